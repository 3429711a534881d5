package vocab

// metricLabels are the metrics' Vietnamese labels (the ward's page, the
// report's ranking), by the code of transform/indicators' metric files.
func metricLabels() map[string]string {
	return map[string]string{
		"PUBLISH_ON_TIME":                    "Công bố TTHC đúng hạn",
		"PUBLIC_UPDATE_ON_TIME":              "Công khai TTHC đúng hạn",
		"PUBLIC_CONTENT_FULL":                "Công khai đầy đủ nội dung TTHC",
		"DOSSIER_SYNC":                       "Đồng bộ hồ sơ lên Cổng DVCQG",
		"ON_TIME":                            "Giải quyết hồ sơ đúng hạn",
		"ONLINE_SERVICE_PROVIDED":            "Cung cấp dịch vụ công trực tuyến",
		"ONLINE_PROCEDURES_USED":             "TTHC có phát sinh hồ sơ trực tuyến",
		"ONLINE_DOSSIERS":                    "Hồ sơ nộp trực tuyến",
		"CHANNEL_ONLINE":                     "Tỷ lệ nộp trực tuyến",
		"CHANNEL_DIRECT":                     "Tỷ lệ nộp trực tiếp",
		"CHANNEL_POSTAL":                     "Tỷ lệ nộp qua bưu chính",
		"PAID_ONLINE":                        "Hồ sơ thanh toán trực tuyến",
		"FEE_PROCEDURES_PAID_ONLINE":         "TTHC có thanh toán trực tuyến",
		"FEE_PROCEDURES_SYNCED":              "TTHC có đồng bộ phí, lệ phí",
		"ORIGINAL_RESULT_AVAILABLE":          "Kết quả giải quyết điện tử",
		"SO_HOA_GIAY_TO_GIAI_QUYET":          "Số hóa thành phần hồ sơ",
		"ELECTRONIC_CERTIFIED_COPY":          "Chứng thực bản sao điện tử",
		"REUSED_DIGITIZED_DATA":              "Tái sử dụng dữ liệu số hóa",
		"SYNCED_WITH_DVCQG_PERSONAL_STORAGE": "Lấy từ kho dữ liệu cá nhân trên Cổng DVCQG",
		"CITIZEN_DATA_CONNECTED_DOSSIER":     "Hồ sơ khai thác dữ liệu dân cư",
		"CITIZEN_DATA_CONNECTED_FORMALITY":   "TTHC khai thác dữ liệu dân cư",
		"PETITION_PROCESSING_ON_TIME":        "Xử lý phản ánh, kiến nghị đúng hạn",
		"PETITION_HANDLING_SATISFACTION":     "Hài lòng về xử lý phản ánh, kiến nghị",
		"DOSSIER_RECEIVING_SATISFACTION":     "Hài lòng về tiếp nhận, giải quyết hồ sơ",
	}
}

// MetricLabel returns a metric's Vietnamese label.
func MetricLabel(code string) (string, bool) {
	l, ok := metricLabels()[code]
	return l, ok
}
