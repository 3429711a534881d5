-- metric: PUBLISH_ON_TIME
-- indicator: transparency
-- max: 6
-- scope: province
-- gap: the catalogue holds one publishing decision per procedure; the portal counts a procedure late if any of its decisions is late.
-- spec: item 1.1 (indicators-766-official.md §2.1): procedures whose publishing decision (QuyetDinhCongBo.Ngay) is in the period and ≤ the legal basis effective date (NgayHieuLucCanCu) − 5 working days ÷ procedures whose decision is in the period; null when none. Province only, inherited by every unit (§1.5). The catalogue holds one decision per procedure, so the any-late rule over several decisions cannot apply.
-- Each join has its own key name: 18.16 resolves a USING column by its
-- original name inside nested subqueries.
-- work_index(D) = working days strictly before D; D ≤ B − 5 working days ⟺ work_index(D) ≤ work_index(B) − 5.
SELECT
    @province_code AS unit_code,
    toFloat64(countIf(has_basis = 1 AND toInt64(decision_wi) <= toInt64(basis_wi) - 5)) AS numerator,
    toFloat64(count()) AS denominator
FROM
(
    SELECT decision_wi, has_basis, basis_day
    FROM
    (
        SELECT assumeNotNull(decision_date) AS decision_day, ifNull(legal_basis_date, toDate(0)) AS basis_day,
               toUInt8(legal_basis_date IS NOT NULL) AS has_basis
        FROM {db}.v_procedures
        WHERE decision_date IS NOT NULL AND decision_date >= toDate(@from_day) AND decision_date < toDate(@to_day)
    )
    ANY LEFT JOIN (SELECT day AS decision_day, work_index AS decision_wi FROM {db}.work_calendar FINAL) USING decision_day
)
ANY LEFT JOIN (SELECT day AS basis_day, work_index AS basis_wi FROM {db}.work_calendar FINAL) USING basis_day
