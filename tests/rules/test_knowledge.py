"""The knowledge base holds exactly the spec's figures, each with its source."""

from __future__ import annotations

from decision.rules import knowledge


def test_the_rule_set_is_kemeny_2006_with_a_semantic_version():
    assert knowledge.RULESET.id == "kemeny-2006"
    major, minor, patch = knowledge.RULESET.version.split(".")
    assert all(part.isdigit() for part in (major, minor, patch))


def test_the_survival_rows_are_exactly_the_spec_table_in_its_order():
    rows = [
        (row.source, row.group, row.five_year_survival_percent) for row in knowledge.SURVIVAL_ROWS
    ]
    assert rows == [
        ("kemeny-2006", "CRS 0", 60),
        ("kemeny-2006", "CRS 5", 14),
        ("mala-2002", "CRS 0–2", 40),
        ("mala-2002", "CRS 3–4", 12),
        ("mann-2004", "CRS 0–1", 72.5),
        ("mann-2004", "CRS 2–3", 31.2),
        ("mann-2004", "CRS 4–5", 0),
    ]


def test_each_survival_row_knows_the_scores_its_group_covers():
    for row in knowledge.SURVIVAL_ROWS:
        covered = row.group.removeprefix("CRS ").split("–")
        assert (row.score_low, row.score_high) == (int(covered[0]), int(covered[-1]))


def test_the_fong_cohort_figures_are_context_only():
    cohort = knowledge.FONG_1999_COHORT
    assert cohort.source == "fong-1999"
    assert (cohort.resections, cohort.centre, cohort.period) == (1001, "MSKCC", "1985–1998")
    assert cohort.five_year_survival_percent == 37
    assert cohort.ten_year_survival_percent == 22
    assert cohort.operative_mortality_percent == 2.8
    assert all(row.five_year_survival_percent != 37 for row in knowledge.SURVIVAL_ROWS)


def test_the_thresholds_are_the_papers_and_cite_it():
    assert (knowledge.CEA_NG_ML.value, knowledge.CEA_NG_ML.unit) == (200, "ng/mL")
    assert (knowledge.LARGEST_TUMOR_CM.value, knowledge.LARGEST_TUMOR_CM.unit) == (5, "cm")
    assert knowledge.DISEASE_FREE_INTERVAL_MONTHS.value == 12
    assert knowledge.LIVER_TUMOR_COUNT.value == 1
    for threshold in (
        knowledge.CEA_NG_ML,
        knowledge.LARGEST_TUMOR_CM,
        knowledge.DISEASE_FREE_INTERVAL_MONTHS,
        knowledge.LIVER_TUMOR_COUNT,
    ):
        assert threshold.source == "fong-1999"


def test_the_sources_are_the_spec_registry():
    assert list(knowledge.SOURCES) == [
        "kemeny-2006",
        "fong-1999",
        "nordlinger-1996",
        "mala-2002",
        "mann-2004",
        "eortc-40983",
        "esmo-2023",
        "e-ahpba-2023",
    ]
    for source in knowledge.SOURCES.values():
        assert source.citation
        if source.url is not None:
            assert source.url.startswith("https://pubmed.ncbi.nlm.nih.gov/")
            pmid = source.url.removeprefix("https://pubmed.ncbi.nlm.nih.gov/").strip("/")
            assert f"PMID {pmid}" in source.citation


def test_every_source_id_in_the_knowledge_base_is_registered():
    cited = {row.source for row in knowledge.SURVIVAL_ROWS}
    for collection in (knowledge.RECOMMENDATIONS, knowledge.RULE_TEXTS, knowledge.NOTE_TEXTS):
        for item in collection.values():
            cited.update(item.sources)
    assert cited <= set(knowledge.SOURCES)


def test_every_recommendation_code_of_the_spec_has_a_text_and_intent():
    intents = {code: text.intent for code, text in knowledge.RECOMMENDATIONS.items()}
    assert intents == {
        "NON_OPERATIVE": "non_operative",
        "PALLIATIVE_PRIMARY_RESECTION": "palliative",
        "SYSTEMIC_THERAPY": "palliative",
        "COMPLETE_STAGING": "workup",
        "ASSESS_RESECTABILITY": "workup",
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI": "curative",
        "RESECT_LIVER_WITH_HAI": "curative",
        "RESECT_PRIMARY_WITH_HAI": "curative",
        "HAI_FOR_UNRESECTABLE": "curative",
    }
    for text in knowledge.RECOMMENDATIONS.values():
        assert text.text


def test_the_notes_are_in_the_spec_order():
    assert list(knowledge.NOTE_TEXTS) == [
        "SYNCHRONOUS_NOT_EXCLUSION",
        "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
        "PRIMARY_SYMPTOMS",
        "CRS_INCOMPLETE",
        "EVIDENCE_CURRENCY",
    ]


def test_the_intended_use_names_users_population_output_and_limits():
    text = knowledge.INTENDED_USE
    assert "surgeons" in text
    assert "liver metastases" in text
    assert "independently review" in text
    assert "520(o)(1)(E)" in text
    assert "does not replace the tumor board" in text
    assert "2006" in text


def test_people_read_labels_worded_as_spec_section_9_gives_them():
    labels = {code: text.label for code, text in knowledge.RECOMMENDATIONS.items()}
    assert labels["RESECT_PRIMARY_AND_LIVER_WITH_HAI"] == (
        "Resect the primary and the liver metastases; place an HAI pump"
    )
    assert labels["COMPLETE_STAGING"] == "Complete extrahepatic staging first"
    assert all(label and label != code for code, label in labels.items())
    assert len(set(labels.values())) == len(labels)
    assert dict(knowledge.INTENT_LABELS) == {
        "curative": "Curative intent",
        "palliative": "Palliative",
        "workup": "Work-up needed before a plan",
        "non_operative": "Non-operative care",
    }


def test_the_intent_of_the_r6_recommendations_adds_their_aim():
    aim = "Curative intent: HAI to make the liver disease resectable"
    for code, text in knowledge.RECOMMENDATIONS.items():
        expected = aim if code in ("RESECT_PRIMARY_WITH_HAI", "HAI_FOR_UNRESECTABLE") else None
        assert text.intent_label == (expected or knowledge.INTENT_LABELS[text.intent])


def test_a_code_this_rule_set_does_not_know_is_shown_as_it_is():
    assert knowledge.recommendation_label("SOME_LATER_CODE") == "SOME_LATER_CODE"
