package official

// The tables below transcribe section 2 of the reference; each Reading
// names the reference item it settles.

func transparencyFormulas() []Formula {
	province := func(code, item string, max float64) Formula {
		return Formula{Family: Transparency, Metric: code, Item: item, Max: max, Kind: Linear, OnEmpty: EmptyNull, Scope: ScopeProvince,
			Reading: "§1.5: province-only; every department and commune inherits the province's numerator and denominator."}
	}
	return []Formula{
		province("PUBLISH_ON_TIME", "1.1", 6),
		province("PUBLIC_UPDATE_ON_TIME", "1.2", 4),
		province("PUBLIC_CONTENT_FULL", "1.3", 2),
		{Family: Transparency, Metric: "DOSSIER_SYNC", Item: "1.4", Max: 6, Kind: Linear, OnEmpty: EmptyNull, Scope: ScopeUnit,
			Reading: "[FS 1.4]: synced dossiers, no timeliness condition. The previous-year fallback for a zero denominator is not visible in the published data: 0/0 is null (NO_NATIONAL_REPORT_DATA), counted 0 in the group."},
	}
}

func progressFormulas() []Formula {
	return []Formula{
		{Family: Progress, Metric: "2.1", Item: "2.1", Max: 20, Kind: Linear, OnEmpty: EmptyZero, Scope: ScopeUnit,
			NumeratorFields: []string{"totalOnTime"}, DenominatorField: "totalReceived",
			Reading: "§2.2: 20 × totalOnTime / totalReceived; 0/0 publishes ratio 0, score 0."},
	}
}

func onlineFormulas() []Formula {
	return []Formula{
		{Family: Online, Metric: "3.1", Item: "3.1", Max: 2, Target: 0.8, Kind: Target, OnEmpty: EmptyZero, Scope: ScopeUnit,
			NumeratorFields: []string{"partialCount", "fullCount"}, DenominatorField: "authorityCount",
			Reading: "§2.3: the maximum 2 is a fit to published totals (the sheet gives none); 0/0 taken as 0 (the trees publish zeros)."},
		{Family: Online, Metric: "3.2", Item: "3.2", Max: 4, Kind: Linear, OnEmpty: EmptyZero, Scope: ScopeUnit,
			NumeratorFields: []string{"onlineDossierCount"}, DenominatorField: "onlineServiceTotal",
			Reading: "§2.3: maximum 4 and no target, a fit to published totals."},
		{Family: Online, Metric: "3.3", Item: "3.3", Max: 6, Target: 0.5, Kind: Target, OnEmpty: EmptyZero, Scope: ScopeUnit,
			NumeratorFields: []string{"channelOnlineSum"}, DenominatorField: "channelTotalSum", SyncCoefficient: true,
			Reading: "§2.3: channelOnlineSum is taken as already carrying the e-result filter; S = DOSSIER_SYNC ratio/100, taken as 1 when the sync ratio is null or not at hand (the reference: S is 1 today, whether it is applied is not settled)."},
	}
}

func paymentFormulas() []Formula {
	return []Formula{
		{Family: Payment, Metric: "3.6", Item: "3.6", Max: 6, Kind: Linear, OnEmpty: EmptyZero, Scope: ScopeUnit,
			NumeratorFields: []string{"totalDossierOnlinePaymentSuccess"}, DenominatorField: "totalDossierFinancialObligation",
			Reading: "§2.4 A: dossier counts (the per-level note calling it a procedure count is contradicted by the published values)."},
		{Family: Payment, Metric: "3.5b", Item: "3.5b", Max: 2, Target: 0.8, Kind: Target, OnEmpty: EmptyZero, Scope: ScopeUnit,
			NumeratorFields: []string{"totalDossierOnlineFormalityPaymentSuccess"}, DenominatorField: "totalFeeDossierFormalityDistinct",
			Reading: "§2.4 B: LEAST(2, 2.5B); from the administrator's check of 08/10/2026, not the .docx."},
		{Family: Payment, Metric: "3.5", Item: "3.5", Max: 2, Target: 0.8, Kind: Target, OnEmpty: EmptyZero, Scope: ScopeUnit,
			NumeratorFields: []string{"totalFeeDossierFormality"}, DenominatorField: "totalFeeFormality",
			Reading: "§2.4 C: LEAST(2, 2.5C), capped at 2 (an uncapped 2.5C cannot be told apart while C ≤ 0.3); the denominator is taken as published (period-dependent, not the catalogue)."},
	}
}

func digitizationFormulas() []Formula {
	unit := func(code, item string, max, target float64, reading string) Formula {
		k := Linear
		if target > 0 {
			k = Target
		}
		return Formula{Family: Digitization, Metric: code, Item: item, Max: max, Target: target, Kind: k, OnEmpty: EmptyNull, Scope: ScopeUnit, Reading: reading}
	}
	return []Formula{
		unit("ORIGINAL_RESULT_AVAILABLE", "4.1", 6, 0, "§2.5: the denominator is all dossiers received, unfinished included."),
		unit("SO_HOA_GIAY_TO_GIAI_QUYET", "4.2", 4, 0, "§2.5: the sheet's 80% target is not applied by the portal (H44.08 at 80.06% scores 3.20); linear."),
		unit("REUSED_DIGITIZED_DATA", "4.3", 2, 0.8, "§2.5: LEAST(2, 2r/0.8)."),
		unit("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "4.4", 4, 0, "§2.5: no score rule is given and every published ratio is 0; linear assumed."),
		unit("CITIZEN_DATA_CONNECTED_DOSSIER", "4.5b", 2, 0, "§2.5: per unit (the Decision sheet scopes it to the province; the portal publishes it per unit)."),
		unit("CITIZEN_DATA_CONNECTED_FORMALITY", "4.5a", 2, 0, "§2.5: per-unit numerator over the level's catalogue procedures, both as published."),
		{Family: Digitization, Metric: "ELECTRONIC_CERTIFIED_COPY", Item: "MX 13", Max: 2, Kind: Constant, OnEmpty: EmptyMax, Scope: ScopeUnit,
			Reading: "§2.5: published as a constant (numerator and denominator null, ratio 100, score 2) on every unit."},
	}
}

func satisfactionFormulas() []Formula {
	info := func(code string) Formula {
		return Formula{Family: Satisfaction, Metric: code, Item: "5.1", Kind: Info, OnEmpty: EmptyZero, Scope: ScopeUnit,
			Reading: "§2.6: information only, maximum 0, score always null."}
	}
	petition := func(code, item, reading string) Formula {
		return Formula{Family: Satisfaction, Metric: code, Item: item, Max: 6, Kind: Linear, OnEmpty: EmptyMax, Scope: ScopeUnit, Reading: reading}
	}
	return []Formula{
		info("PETITION_CLASSIFICATION_TTHC"),
		{Family: Satisfaction, Metric: "DOSSIER_RECEIVING_SATISFACTION", Item: "5.4", Max: 6, Target: 0.9, Kind: Target, OnEmpty: EmptyZero, Scope: ScopeUnit,
			Reading: "§2.6: LEAST(6, 6r/0.9); 0/0 publishes ratio 0, score 0."},
		petition("PETITION_PROCESSING_ON_TIME", "5.2", "§2.6: denominator totalPetitions; no petitions → 6 (ratio 0)."),
		petition("PETITION_HANDLING_SATISFACTION", "5.3", "§2.6: denominator all petitions; no petitions → 6, not the Decision's split [MX 22]."),
		info("PETITION_CLASSIFICATION_STAFF"),
	}
}
