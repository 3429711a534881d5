package simulator

// The JSON shapes of national-766-api.md §2–§7, keys in the captured order.

type pagination struct {
	Total       int `json:"total"`
	CurrentPage int `json:"currentPage"`
	PageSize    int `json:"pageSize"`
	TotalPages  int `json:"totalPages"`
}

type flatAnswer struct {
	Overview   flatDept   `json:"overview"`
	Evaluation []flatDept `json:"evaluation"`
	Pagination pagination `json:"pagination"`
}

type flatMetric struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	Ratio       *float64 `json:"ratio"`
	Score       *float64 `json:"score"`
	MaxScore    float64  `json:"maxScore"`
}

type flatDept struct {
	Stt                 int          `json:"stt"`
	DepartmentID        string       `json:"departmentId"`
	DepartmentName      string       `json:"departmentName"`
	DepartmentCode      string       `json:"departmentCode,omitempty"`
	DepartmentType      string       `json:"departmentType"`
	DepartmentLevel     string       `json:"departmentLevel"`
	AgencyLevel         string       `json:"agencyLevel"`
	TotalScore          float64      `json:"totalScore"`
	TotalMaxScore       float64      `json:"totalMaxScore"`
	Ratio               float64      `json:"ratio"`
	ScoreDelta          *float64     `json:"scoreDelta"`
	Metrics             []flatMetric `json:"metrics"`
	TotalPetitions      *float64     `json:"totalPetitions,omitempty"`
	ClassifiedPetitions *float64     `json:"classifiedPetitions,omitempty"`
	TotalDossiers       *float64     `json:"totalDossiers,omitempty"`
}

// flatCodes are each flat family's metrics in the API's order.
var flatCodes = map[string][]string{
	"transparency": {"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "DOSSIER_SYNC"},
	"dossier-digitized": {"ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA",
		"SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "CITIZEN_DATA_CONNECTED_DOSSIER", "CITIZEN_DATA_CONNECTED_FORMALITY", "ELECTRONIC_CERTIFIED_COPY"},
	"handling-satisfaction": {"PETITION_CLASSIFICATION_TTHC", "DOSSIER_RECEIVING_SATISFACTION", "PETITION_PROCESSING_ON_TIME",
		"PETITION_HANDLING_SATISFACTION", "PETITION_CLASSIFICATION_STAFF"},
}

var familyMax = map[string]float64{"transparency": 18, "dossier-digitized": 22, "handling-satisfaction": 18}

func fp(v float64) *float64 { return &v }

// flatMetricOf publishes one metric with the family's null rules (§9.2):
// transparency and dossier-digitized 0/0 → ratio and score null;
// handling-satisfaction 0/0 → ratio 0 and the rule's score; the certified
// copy never publishes its counts; classification metrics score nothing.
func flatMetricOf(family, code string, ev Evaluation) flatMetric {
	m, _ := ev.Metric(code)
	out := flatMetric{Code: code, Name: code, Numerator: fp(m.Num), Denominator: fp(m.Den), Ratio: fp(m.Ratio), Score: fp(m.Score), MaxScore: m.Max}
	switch {
	case code == "ELECTRONIC_CERTIFIED_COPY":
		out.Numerator, out.Denominator = nil, nil
	case code == "PETITION_CLASSIFICATION_TTHC" || code == "PETITION_CLASSIFICATION_STAFF":
		pet, _ := ev.Metric("PETITION_PROCESSING_ON_TIME")
		num := pet.Den
		if code == "PETITION_CLASSIFICATION_STAFF" {
			num = 0
		}
		out.Numerator, out.Denominator, out.Ratio, out.Score, out.MaxScore = fp(num), fp(pet.Den), fp(round2(100*ratioOf(num, pet.Den))), nil, 0
	case m.Den == 0 && family == "handling-satisfaction":
		out.Ratio = fp(0)
	case m.Den == 0:
		out.Ratio, out.Score = nil, nil
	}
	return out
}

func flatRow(family string, d Department, stt int, root bool) flatDept {
	row := flatDept{Stt: stt, DepartmentID: d.ID, DepartmentName: d.Name, DepartmentType: d.Type, DepartmentLevel: d.Level,
		AgencyLevel: "level_2", TotalMaxScore: familyMax[family]}
	if root {
		row.AgencyLevel = "level_1"
	}
	if family == "dossier-digitized" {
		row.DepartmentCode = d.Code
	}
	total := 0.0
	for _, code := range flatCodes[family] {
		m := flatMetricOf(family, code, d.Eval)
		if m.Score != nil {
			total += *m.Score
		}
		row.Metrics = append(row.Metrics, m)
	}
	row.TotalScore = round2(total)
	row.Ratio = round2(100 * row.TotalScore / row.TotalMaxScore)
	if family == "handling-satisfaction" {
		pet, _ := d.Eval.Metric("PETITION_PROCESSING_ON_TIME")
		recv, _ := d.Eval.Metric("DOSSIER_RECEIVING_SATISFACTION")
		row.TotalPetitions, row.ClassifiedPetitions, row.TotalDossiers = fp(pet.Den), fp(pet.Den), fp(recv.Den)
	}
	return row
}

type treeAnswer[P, C any] struct {
	Parent   P   `json:"parent"`
	Children []C `json:"children"`
}

type progressParent struct {
	DepartmentID      string  `json:"departmentId"`
	DepartmentName    string  `json:"departmentName"`
	DepartmentCode    string  `json:"departmentCode"`
	TotalReceived     float64 `json:"totalReceived"`
	TotalOnTime       float64 `json:"totalOnTime"`
	TotalCompleted    float64 `json:"totalCompleted"`
	AvgProcessingDays float64 `json:"avgProcessingDays"`
	Ratio             float64 `json:"ratio"`
	TotalScore        float64 `json:"totalScore"`
	TotalMaxScore     float64 `json:"totalMaxScore"`
}

type progressChild struct {
	DepartmentID      string   `json:"departmentId"`
	DepartmentName    string   `json:"departmentName"`
	DepartmentCode    string   `json:"departmentCode"`
	Level             string   `json:"level"`
	TotalReceived     float64  `json:"totalReceived"`
	TotalOnTime       float64  `json:"totalOnTime"`
	TotalOverdue      float64  `json:"totalOverdue"`
	AvgProcessingDays float64  `json:"avgProcessingDays"`
	Ratio             float64  `json:"ratio"`
	Score             float64  `json:"score"`
	MaxScore          float64  `json:"maxScore"`
	ScoreDelta        *float64 `json:"scoreDelta"`
}

func groupOf(ev Evaluation, code string) Group {
	for _, g := range ev.Groups {
		if g.Code == code {
			return g
		}
	}
	return Group{Code: code}
}

func progressTree(root Department, depts []Department) any {
	on, _ := root.Eval.Metric("ON_TIME")
	g := groupOf(root.Eval, "progress")
	out := treeAnswer[progressParent, progressChild]{Parent: progressParent{DepartmentID: root.ID, DepartmentName: root.Name,
		DepartmentCode: root.Code, TotalReceived: on.Den, TotalOnTime: on.Num, TotalCompleted: on.Num, Ratio: on.Ratio,
		TotalScore: g.Score, TotalMaxScore: 20}}
	out.Children = []progressChild{}
	for _, d := range depts {
		m, _ := d.Eval.Metric("ON_TIME")
		out.Children = append(out.Children, progressChild{DepartmentID: d.ID, DepartmentName: d.Name, DepartmentCode: d.Code,
			Level: d.Level, TotalReceived: m.Den, TotalOnTime: m.Num, TotalOverdue: m.Den - m.Num, Ratio: m.Ratio,
			Score: groupOf(d.Eval, "progress").Score, MaxScore: 20})
	}
	return out
}

type onlineParent struct {
	DepartmentID       string  `json:"departmentId"`
	DepartmentName     string  `json:"departmentName"`
	DepartmentCode     string  `json:"departmentCode"`
	TotalScore         float64 `json:"totalScore"`
	TotalMaxScore      float64 `json:"totalMaxScore"`
	Ratio              float64 `json:"ratio"`
	AuthorityCount     float64 `json:"authorityCount"`
	PartialCount       float64 `json:"partialCount"`
	FullCount          float64 `json:"fullCount"`
	OnlineDossierCount float64 `json:"onlineDossierCount"`
	OnlineServiceTotal float64 `json:"onlineServiceTotal"`
	ChannelOnlineSum   float64 `json:"channelOnlineSum"`
	ChannelDirectSum   float64 `json:"channelDirectSum"`
	ChannelPostalSum   float64 `json:"channelPostalSum"`
	ChannelTotalSum    float64 `json:"channelTotalSum"`
	OnlineOnTimeSum    float64 `json:"onlineOnTimeSum"`
	OnlineOverdueSum   float64 `json:"onlineOverdueSum"`
}

type scoreChild struct {
	DepartmentID   string   `json:"departmentId"`
	DepartmentName string   `json:"departmentName"`
	DepartmentCode string   `json:"departmentCode"`
	Level          string   `json:"level"`
	TotalScore     float64  `json:"totalScore"`
	TotalMaxScore  float64  `json:"totalMaxScore"`
	Ratio          float64  `json:"ratio"`
	ScoreDelta     *float64 `json:"scoreDelta"`
}

// onlineTree: the parent carries the province's counts of the three parts
// (3.1 authorities = procedures of the level, full = those offered online;
// 3.2 online services used; 3.3 channelOnlineSum = dossiers filed online with
// their electronic result where one is due, over channelTotalSum = dossiers
// received, as the formula check reads them); children carry only the score.
func onlineTree(root Department, depts []Department) any {
	ev := root.Eval
	provided, _ := ev.Metric("ONLINE_SERVICE_PROVIDED")
	used, _ := ev.Metric("ONLINE_PROCEDURES_USED")
	onlineDossiers, _ := ev.Metric("ONLINE_DOSSIERS")
	direct, _ := ev.Metric("CHANNEL_DIRECT")
	postal, _ := ev.Metric("CHANNEL_POSTAL")
	g := groupOf(ev, "online")
	out := treeAnswer[onlineParent, scoreChild]{Parent: onlineParent{DepartmentID: root.ID, DepartmentName: root.Name, DepartmentCode: root.Code,
		TotalScore: g.Score, TotalMaxScore: 12, Ratio: round2(100 * g.Score / 12), AuthorityCount: provided.Den, FullCount: provided.Num,
		OnlineDossierCount: used.Num, OnlineServiceTotal: used.Den, ChannelOnlineSum: onlineDossiers.Num, ChannelDirectSum: direct.Num,
		ChannelPostalSum: postal.Num, ChannelTotalSum: onlineDossiers.Den}}
	out.Children = []scoreChild{}
	for _, d := range depts {
		s := groupOf(d.Eval, "online").Score
		out.Children = append(out.Children, scoreChild{DepartmentID: d.ID, DepartmentName: d.Name, DepartmentCode: d.Code, Level: d.Level,
			TotalScore: s, TotalMaxScore: 12, Ratio: round2(100 * s / 12)})
	}
	return out
}

type paymentCounts struct {
	TotalDossierOnlinePaymentSuccess          float64 `json:"totalDossierOnlinePaymentSuccess"`
	TotalDossierFinancialObligation           float64 `json:"totalDossierFinancialObligation"`
	TotalDossierOnlineFormalityPaymentSuccess float64 `json:"totalDossierOnlineFormalityPaymentSuccess"`
	TotalFeeDossierFormalityDistinct          float64 `json:"totalFeeDossierFormalityDistinct"`
	TotalFeeDossierFormality                  float64 `json:"totalFeeDossierFormality"`
	TotalFeeFormality                         float64 `json:"totalFeeFormality"`
}

type paymentParent struct {
	DepartmentID   string  `json:"departmentId"`
	DepartmentName string  `json:"departmentName"`
	DepartmentCode string  `json:"departmentCode"`
	TotalMaxScore  float64 `json:"totalMaxScore"`
	TotalScore     float64 `json:"totalScore"`
	paymentCounts
	Ratio float64 `json:"ratio"`
}

type paymentChild struct {
	DepartmentID   string  `json:"departmentId"`
	DepartmentName string  `json:"departmentName"`
	DepartmentCode string  `json:"departmentCode"`
	Level          string  `json:"level"`
	TotalMaxScore  float64 `json:"totalMaxScore"`
	Ratio          float64 `json:"ratio"`
	TotalScore     float64 `json:"totalScore"`
	paymentCounts
	ScoreDelta *float64 `json:"scoreDelta"`
}

func paymentCountsOf(ev Evaluation) paymentCounts {
	paid, _ := ev.Metric("PAID_ONLINE")
	feePaid, _ := ev.Metric("FEE_PROCEDURES_PAID_ONLINE")
	feeSync, _ := ev.Metric("FEE_PROCEDURES_SYNCED")
	return paymentCounts{paid.Num, paid.Den, feePaid.Num, feePaid.Den, feeSync.Num, feeSync.Den}
}

func paymentTree(root Department, depts []Department) any {
	g := groupOf(root.Eval, "payment")
	out := treeAnswer[paymentParent, paymentChild]{Parent: paymentParent{DepartmentID: root.ID, DepartmentName: root.Name,
		DepartmentCode: root.Code, TotalMaxScore: 10, TotalScore: g.Score, paymentCounts: paymentCountsOf(root.Eval), Ratio: round2(10 * g.Score)}}
	out.Children = []paymentChild{}
	for _, d := range depts {
		s := groupOf(d.Eval, "payment").Score
		out.Children = append(out.Children, paymentChild{DepartmentID: d.ID, DepartmentName: d.Name, DepartmentCode: d.Code, Level: d.Level,
			TotalMaxScore: 10, Ratio: round2(10 * s), TotalScore: s, paymentCounts: paymentCountsOf(d.Eval)})
	}
	return out
}

// ratioOf is num/den, 0 when den is 0 (a published ratio of nothing).
func ratioOf(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return num / den
}
