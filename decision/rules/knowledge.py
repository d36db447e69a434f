"""The clinical knowledge of rule set ``kemeny-2006``, as data, in one reviewable place.

Every threshold, survival figure, citation and text the rules service uses is defined here,
each figure next to the id of its source. The content comes from the project's clinical
contract (``docs/clinical-rules.md``) and nowhere else: a figure that is not in the contract
does not belong in this module. The other modules of ``decision.rules`` hold logic only.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

# Bump the version whenever a threshold, a rule or a text changes, so that a stored
# assessment always names the exact knowledge it was computed with.
RULESET_ID: Final = "kemeny-2006"
RULESET_VERSION: Final = "1.0.0"


@dataclass(frozen=True, slots=True)
class Ruleset:
    """Identity of the rule set: its id and its semantic version."""

    id: str
    version: str


RULESET: Final = Ruleset(id=RULESET_ID, version=RULESET_VERSION)


# --- Intended use (spec section 1) -----------------------------------------------------

INTENDED_USE: Final = (
    "Users: surgeons and multidisciplinary tumor boards (health-care professionals only). "
    "Population: adults with colorectal cancer and liver metastases, especially synchronous "
    "metastases (found at or before resection of the primary), being considered for surgery. "
    "Output: a prognostic score and a treatment recommendation with its full basis (inputs, "
    "each rule that fired, sources), so the clinician can independently review why. This is "
    "what the US FDA's criteria for non-device clinical decision support ask for (FD&C Act "
    "§520(o)(1)(E), criterion 4: the professional can independently review the basis of the "
    "recommendation). It does not replace the tumor board. Evidence is current to the 2006 "
    "source; see the evidence-currency note."
)


# --- Sources (spec section 6) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """A citation. ``url`` is a PubMed address when the contract gives a PMID, else None."""

    id: str
    citation: str
    url: str | None


def _pubmed(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


# In the contract's order; results list their sources in this order too.
SOURCES: Final = MappingProxyType(
    {
        source.id: source
        for source in (
            Source(
                id="kemeny-2006",
                citation=(
                    "Kemeny MM. Discussion of an asymptomatic patient with synchronous "
                    "colorectal liver metastases. Received 27 July 2005, accepted 24 October "
                    "2005, published online 16 January 2006. (Title and journal not "
                    "identified; cited as the project's source discussion.)"
                ),
                url=None,
            ),
            Source(
                id="fong-1999",
                citation=(
                    "Fong Y, Fortner J, Sun RL, Brennan MF, Blumgart LH. Clinical score for "
                    "predicting recurrence after hepatic resection for metastatic colorectal "
                    "cancer: analysis of 1001 consecutive cases. Ann Surg 1999;230(3):309–318. "
                    "PMID 10493478"
                ),
                url=_pubmed("10493478"),
            ),
            Source(
                id="nordlinger-1996",
                citation=(
                    "Nordlinger B, Guiguet M, Vaillant JC, Balladur P, Boudjema K, et al. "
                    "Surgical resection of colorectal carcinoma metastases to the liver: a "
                    "prognostic scoring system to improve case selection, based on 1568 "
                    "patients. Cancer 1996;77(7):1254–1262. PMID 8608500"
                ),
                url=_pubmed("8608500"),
            ),
            Source(
                id="mala-2002",
                citation=(
                    "Mala T, et al. Validation of the Fong clinical risk score in an Oslo "
                    "cohort of hepatic resections for colorectal metastases. World J Surg "
                    "2002;26(11):1348–1353. PMID 12297926"
                ),
                url=_pubmed("12297926"),
            ),
            Source(
                id="mann-2004",
                citation=(
                    "Mann CD, et al. The clinical risk score: emerging as a reliable "
                    "preoperative prognostic index in hepatectomy for colorectal metastases. "
                    "Arch Surg 2004;139(11):1168–1172. PMID 15545561"
                ),
                url=_pubmed("15545561"),
            ),
            Source(
                id="eortc-40983",
                citation=(
                    "Nordlinger B, et al. Perioperative chemotherapy with FOLFOX4 and surgery "
                    "versus surgery alone for resectable liver metastases from colorectal "
                    "cancer (EORTC Intergroup trial 40983). Lancet 2008;371(9617):1007–1016"
                ),
                url=None,
            ),
            Source(
                id="esmo-2023",
                citation=(
                    "Cervantes A, et al. Metastatic colorectal cancer: ESMO Clinical Practice "
                    "Guideline. Ann Oncol 2023;34(1):10–32"
                ),
                url=None,
            ),
            Source(
                id="e-ahpba-2023",
                citation=(
                    "Siriwardena AK, et al. Inter-societal consensus (E-AHPBA with ESSO, ESCP, "
                    "ESGAR, CIRSE) on colorectal cancer with synchronous liver metastases. "
                    "Br J Surg 2023. PMID 37442562"
                ),
                url=_pubmed("37442562"),
            ),
        )
    }
)


# --- Fong clinical risk score thresholds (spec section 4) ------------------------------


@dataclass(frozen=True, slots=True)
class Threshold:
    """A cut-off of the Fong score. The criterion is met only strictly above (or below) it."""

    value: int
    unit: str
    source: str


CEA_NG_ML: Final = Threshold(value=200, unit="ng/mL", source="fong-1999")
LARGEST_TUMOR_CM: Final = Threshold(value=5, unit="cm", source="fong-1999")
DISEASE_FREE_INTERVAL_MONTHS: Final = Threshold(value=12, unit="months", source="fong-1999")
LIVER_TUMOR_COUNT: Final = Threshold(value=1, unit="tumor", source="fong-1999")

# Risk groups: low 0–2, high 3–5, as used by the score's calculators and trials. The
# contract states this split without naming a single source id, so none is attached.
RISK_GROUP_LOW_MAX: Final = 2
RISK_GROUP_HIGH_MIN: Final = 3
CRS_SOURCES: Final = ("fong-1999",)
CRS_LABEL: Final = "Fong clinical risk score"


@dataclass(frozen=True, slots=True)
class CriterionText:
    """What a Fong criterion is called, the cut-off shown beside it, and why it scores."""

    id: str
    label: str
    threshold: str
    explanation: str
    # How the missing finding is named when the criterion is unknown; None for a
    # criterion that is never unknown.
    missing_finding: str | None


CRITERION_TEXTS: Final = MappingProxyType(
    {
        text.id: text
        for text in (
            CriterionText(
                id="node_positive_primary",
                missing_finding="node status of the primary tumor",
                label="Node-positive primary tumor",
                threshold="node-positive (N+)",
                explanation=(
                    "One point when the primary tumor had lymph-node metastases. Unknown "
                    "when the node status of the primary is not recorded."
                ),
            ),
            CriterionText(
                id="disease_free_interval_under_12_months",
                missing_finding=None,
                label=f"Disease-free interval under {DISEASE_FREE_INTERVAL_MONTHS.value} months",
                threshold=f"< {DISEASE_FREE_INTERVAL_MONTHS.value} months",
                explanation=(
                    "One point when the liver metastases were diagnosed less than "
                    f"{DISEASE_FREE_INTERVAL_MONTHS.value} months after resection of the "
                    "primary tumor, counted in whole calendar months from the resection "
                    "date to the diagnosis date; exactly "
                    f"{DISEASE_FREE_INTERVAL_MONTHS.value} months scores 0. Synchronous "
                    "metastases (found before the primary was removed) meet the criterion "
                    "with an interval of 0 months: this is the reading of the definition. "
                    "The 2006 source writes “≤12 or >12 months”, while the 1999 paper "
                    "defines the criterion as “<12 months”; this app follows the paper."
                ),
            ),
            CriterionText(
                id="more_than_one_liver_tumor",
                missing_finding="number of liver tumors",
                label="More than one liver tumor",
                threshold=f"> {LIVER_TUMOR_COUNT.value} tumor",
                explanation=(
                    f"One point when there is more than {LIVER_TUMOR_COUNT.value} liver "
                    "metastasis. Unknown when the number of liver tumors is not recorded."
                ),
            ),
            CriterionText(
                id="cea_over_200",
                missing_finding="preoperative CEA",
                label=f"CEA over {CEA_NG_ML.value} ng/mL",
                threshold=f"> {CEA_NG_ML.value} ng/mL",
                explanation=(
                    f"One point when the preoperative CEA is above {CEA_NG_ML.value} ng/mL; "
                    f"exactly {CEA_NG_ML.value} ng/mL scores 0. Unknown when CEA is not "
                    "recorded."
                ),
            ),
            CriterionText(
                id="largest_tumor_over_5cm",
                missing_finding="size of the largest liver tumor",
                label=f"Largest liver tumor over {LARGEST_TUMOR_CM.value} cm",
                threshold=f"> {LARGEST_TUMOR_CM.value} cm",
                explanation=(
                    "One point when the largest liver metastasis measures more than "
                    f"{LARGEST_TUMOR_CM.value} cm; exactly {LARGEST_TUMOR_CM.value}.0 cm "
                    "scores 0. Unknown when its size is not recorded."
                ),
            ),
        )
    }
)


# --- Survival evidence (spec section 4) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurvivalRow:
    """A published 5-year overall survival after hepatic resection for a range of scores.

    ``score_low`` and ``score_high`` bound the CRS group the row describes (inclusive);
    ``group`` is how the group is written for display.
    """

    source: str
    group: str
    score_low: int
    score_high: int
    five_year_survival_percent: int | float
    remark: str | None


# These are the only survival figures the app may show, in the contract's order.
SURVIVAL_ROWS: Final = (
    SurvivalRow("kemeny-2006", "CRS 0", 0, 0, 60, "Quoting Fong 1999."),
    SurvivalRow(
        "kemeny-2006",
        "CRS 5",
        5,
        5,
        14,
        "Quoting Fong 1999. Fong 1999: no patient with a score of 5 was a long-term survivor.",
    ),
    SurvivalRow("mala-2002", "CRS 0–2", 0, 2, 40, None),
    SurvivalRow("mala-2002", "CRS 3–4", 3, 4, 12, None),
    SurvivalRow("mann-2004", "CRS 0–1", 0, 1, 72.5, None),
    SurvivalRow("mann-2004", "CRS 2–3", 2, 3, 31.2, None),
    SurvivalRow("mann-2004", "CRS 4–5", 4, 5, 0, None),
)

# How the rows are framed wherever they are shown (spec section 9): they describe resected
# patients, so they are never the patient's own probability.
SURVIVAL_EVIDENCE_HEADING: Final = (
    "5-year overall survival after hepatic resection, in published series"
)
SURVIVAL_EVIDENCE_NOT_RESECTION: Final = (
    "These figures describe patients whose liver metastases were resected. The "
    "recommendation for this patient is not resection."
)
SURVIVAL_EVIDENCE_RANGE: Final = (
    "The score is a range ({score_range}): the rows cover every score in that range."
)


@dataclass(frozen=True, slots=True)
class CohortContext:
    """Whole-cohort figures of a series, shown as context only (not per score group)."""

    source: str
    resections: int
    centre: str
    period: str
    five_year_survival_percent: int | float
    ten_year_survival_percent: int | float
    operative_mortality_percent: int | float


FONG_1999_COHORT: Final = CohortContext(
    source="fong-1999",
    resections=1001,
    centre="MSKCC",
    period="1985–1998",
    five_year_survival_percent=37,
    ten_year_survival_percent=22,
    operative_mortality_percent=2.8,
)


# --- Recommendations (spec section 5) --------------------------------------------------

Intent = Literal["non_operative", "palliative", "workup", "curative"]

# What people read instead of codes (spec section 9): each intent in its own words.
INTENT_LABELS: Final = MappingProxyType(
    {
        "curative": "Curative intent",
        "palliative": "Palliative",
        "workup": "Work-up needed before a plan",
        "non_operative": "Non-operative care",
    }
)
RISK_GROUP_LABELS: Final = MappingProxyType(
    {
        "low": f"Low risk (score 0–{RISK_GROUP_LOW_MAX})",
        "high": f"High risk (score {RISK_GROUP_HIGH_MIN}–5)",
        "undetermined": "Risk group undetermined (the range spans both groups)",
    }
)


@dataclass(frozen=True, slots=True)
class RecommendationText:
    """A recommendation the rule set can give: its stable code, intent, wording, sources,
    and the label people read instead of the code (the action in a few words)."""

    code: str
    intent: Intent
    label: str
    text: str
    sources: tuple[str, ...]
    # Added to the intent's label where the intent alone would mislead (spec section 9).
    aim: str = ""

    @property
    def intent_label(self) -> str:
        intent = INTENT_LABELS[self.intent]
        return f"{intent}: {self.aim}" if self.aim else intent


_EXTRAHEPATIC_BASIS = (
    "Extrahepatic disease is present (portal lymph nodes, peritoneal carcinomatosis, lung "
    "or other organ metastases), so the patient is not a good candidate for hepatic "
    "resection; the Fong and Nordlinger series excluded such patients. Cure is not the aim "
    "and surgery is a palliative tool."
)
_CURATIVE_BASIS = (
    "Liver-only disease in a patient fit for surgery has a chance of cure that should be pursued."
)
_HAI_BASIS = (
    "Hepatic artery infusion gives very high hepatic response rates and may convert the "
    "liver disease to resectable; reassess for resection."
)
_EXTRAHEPATIC_SOURCES = ("kemeny-2006", "fong-1999", "nordlinger-1996")

RECOMMENDATIONS: Final = MappingProxyType(
    {
        recommendation.code: recommendation
        for recommendation in (
            RecommendationText(
                code="NON_OPERATIVE",
                intent="non_operative",
                label="Refer for non-operative care",
                text=(
                    "The source's recommendation is for patients capable of undergoing major "
                    "surgery, and this patient is judged unfit, so it does not apply. Refer "
                    "for non-operative care (systemic or palliative treatment)."
                ),
                sources=("kemeny-2006",),
            ),
            RecommendationText(
                code="PALLIATIVE_PRIMARY_RESECTION",
                intent="palliative",
                label="Consider palliative resection of the primary",
                text=(
                    f"{_EXTRAHEPATIC_BASIS} Because the primary tumor is symptomatic, "
                    "consider palliative resection of the primary."
                ),
                sources=_EXTRAHEPATIC_SOURCES,
            ),
            RecommendationText(
                code="SYSTEMIC_THERAPY",
                intent="palliative",
                label="Systemic chemotherapy",
                text=(
                    f"{_EXTRAHEPATIC_BASIS} Without symptoms from the primary, extirpative "
                    "surgery is generally not needed; systemic chemotherapy, which has good "
                    "response rates, is the treatment."
                ),
                sources=_EXTRAHEPATIC_SOURCES,
            ),
            RecommendationText(
                code="COMPLETE_STAGING",
                intent="workup",
                label="Complete extrahepatic staging first",
                text=(
                    "Liver-only disease cannot be confirmed until extrahepatic staging "
                    "(cross-sectional imaging of chest, abdomen and pelvis) is done. Complete "
                    "the staging before deciding on a plan."
                ),
                sources=("kemeny-2006",),
            ),
            RecommendationText(
                code="ASSESS_RESECTABILITY",
                intent="workup",
                label="Decide whether the liver disease is resectable first",
                text=(
                    "Decide whether the liver metastases are resectable before deciding on a plan."
                ),
                sources=("kemeny-2006",),
            ),
            RecommendationText(
                code="RESECT_PRIMARY_AND_LIVER_WITH_HAI",
                intent="curative",
                label="Resect the primary and the liver metastases; place an HAI pump",
                text=(
                    f"{_CURATIVE_BASIS} Resect the primary tumor and the liver metastases, "
                    "and place a hepatic artery infusion (HAI) pump."
                ),
                sources=("kemeny-2006",),
            ),
            RecommendationText(
                code="RESECT_LIVER_WITH_HAI",
                intent="curative",
                label="Resect the liver metastases; place an HAI pump",
                text=(
                    f"{_CURATIVE_BASIS} The primary tumor has already been resected: resect "
                    "the liver metastases and place a hepatic artery infusion (HAI) pump."
                ),
                sources=("kemeny-2006",),
            ),
            RecommendationText(
                code="RESECT_PRIMARY_WITH_HAI",
                intent="curative",
                label="Resect the primary; place an HAI pump for the unresectable liver disease",
                text=(
                    "Resect the primary tumor and place a hepatic artery infusion (HAI) pump "
                    f"for the unresectable liver metastases. {_HAI_BASIS}"
                ),
                sources=("kemeny-2006",),
                aim="HAI to make the liver disease resectable",
            ),
            RecommendationText(
                code="HAI_FOR_UNRESECTABLE",
                intent="curative",
                label="Place an HAI pump for the unresectable liver disease",
                text=(
                    "The primary tumor has already been resected. Place a hepatic artery "
                    f"infusion (HAI) pump for the unresectable liver metastases. {_HAI_BASIS}"
                ),
                sources=("kemeny-2006",),
                aim="HAI to make the liver disease resectable",
            ),
        )
    }
)


def recommendation_label(code: str) -> str:
    """What people read for a recommendation code (the code itself for one this rule set
    does not know, such as a later rule set's)."""
    known = RECOMMENDATIONS.get(code)
    return known.label if known else code


@dataclass(frozen=True, slots=True)
class RuleText:
    """What a recommendation rule checks and why, and the sources it rests on."""

    id: str
    explanation: str
    sources: tuple[str, ...]


RULE_TEXTS: Final = MappingProxyType(
    {
        rule.id: rule
        for rule in (
            RuleText(
                id="R1",
                explanation=(
                    "The source's recommendation is for patients capable of undergoing major "
                    "surgery. Fires when the patient is not fit for surgery."
                ),
                sources=("kemeny-2006",),
            ),
            RuleText(
                id="R2",
                explanation=(
                    "Patients with portal lymph nodes, peritoneal carcinomatosis, lung or "
                    "other organ metastases are not good candidates for hepatic resection "
                    "(the Fong and Nordlinger series excluded them). Fires when any "
                    "extrahepatic finding is present. Cure is not the aim: with a symptomatic "
                    "primary, palliative resection of the primary is considered; without "
                    "symptoms, systemic chemotherapy is the treatment."
                ),
                sources=_EXTRAHEPATIC_SOURCES,
            ),
            RuleText(
                id="R3",
                explanation=(
                    "Liver-only disease must be confirmed by extrahepatic staging before a "
                    "plan. Fires when extrahepatic staging is not complete."
                ),
                sources=("kemeny-2006",),
            ),
            RuleText(
                id="R4",
                explanation=(
                    "The plan depends on whether the liver disease is resectable. Fires when "
                    "its resectability is undetermined."
                ),
                sources=("kemeny-2006",),
            ),
            RuleText(
                id="R5",
                explanation=(
                    "Resectable liver-only disease in a patient fit for surgery has a chance "
                    "of cure. Fires when the liver disease is resectable; the plan includes "
                    "resection of the primary when it is still in place."
                ),
                sources=("kemeny-2006",),
            ),
            RuleText(
                id="R6",
                explanation=(
                    "Hepatic artery infusion may convert unresectable liver disease to "
                    "resectable. Fires when the liver disease is unresectable; the plan "
                    "includes resection of the primary when it is still in place."
                ),
                sources=("kemeny-2006",),
            ),
        )
    }
)


# --- Notes (spec section 5) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteText:
    """A note added to a result when its condition holds, with its wording and sources."""

    code: str
    condition: str
    text: str
    sources: tuple[str, ...]


NOTE_TEXTS: Final = MappingProxyType(
    {
        note.code: note
        for note in (
            NoteText(
                code="SYNCHRONOUS_NOT_EXCLUSION",
                condition="The liver metastases are synchronous.",
                text=(
                    "Synchronous presentation does not by itself decide operability: "
                    "synchronous patients can have a 5-year survival above 25% and should not "
                    "be excluded from hepatic resection."
                ),
                sources=("kemeny-2006",),
            ),
            NoteText(
                code="NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
                condition="The recommendation's intent is curative.",
                text=(
                    "The source advises against systemic chemotherapy before surgery: it "
                    "would not help, and it may let curable disease grow too large to resect."
                ),
                sources=("kemeny-2006",),
            ),
            NoteText(
                code="PRIMARY_SYMPTOMS",
                condition="The intent is curative and the primary tumor is symptomatic.",
                text="Resection of the primary tumor is also indicated for its symptoms.",
                # The contract names no source for this note; it restates the rule set's.
                sources=("kemeny-2006",),
            ),
            NoteText(
                code="CRS_INCOMPLETE",
                condition="A criterion of the Fong score is unknown.",
                # Completed with the score range and the missing findings at evaluation.
                text=(
                    "The Fong score is a range ({score_range}), not a single value, because "
                    "these findings are unknown: {missing}."
                ),
                sources=CRS_SOURCES,
            ),
            NoteText(
                code="EVIDENCE_CURRENCY",
                condition="Always.",
                text=(
                    "This rule set reflects the 2006 source. Current guidelines differ: "
                    "perioperative systemic chemotherapy is widely used, selected extrahepatic "
                    "disease (resectable lung metastases, hepatic-pedicle lymph nodes) may be "
                    "resected, and hepatic artery infusion pumps are a specialist-centre "
                    "option. Decide at a multidisciplinary tumor board."
                ),
                sources=("eortc-40983", "esmo-2023", "e-ahpba-2023"),
            ),
        )
    }
)


# --- Findings (spec section 2) ---------------------------------------------------------

FieldKind = Literal["bool", "date", "int", "number", "choice"]

EARLIEST_DATE_ISO: Final = "1900-01-01"
LIVER_TUMOR_COUNT_RANGE: Final = (1, 200)
# Greater than the first number, at most the second.
LARGEST_TUMOR_CM_RANGE: Final = (0, 40)
CEA_NG_ML_RANGE: Final = (0, 100_000)

LIVER_RESECTABILITY_CHOICES: Final = (
    ("resectable", "Resectable"),
    ("unresectable", "Unresectable"),
    ("undetermined", "Not yet determined"),
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one finding is entered and checked; the web form is generated from these.

    ``required``: the finding must be given (``primary_resection_date`` is required only
    when the primary has been resected, which is a cross-field check). ``nullable``: null
    (empty) is accepted. ``default``: the value an absent finding takes (None where there is
    no default). ``minimum``/``maximum`` bound numbers; ``exclusive_minimum`` makes the
    minimum itself invalid. ``choices`` are (value, label) pairs.
    """

    name: str
    kind: FieldKind
    required: bool
    nullable: bool
    default: bool | None
    label: str
    help_text: str
    section: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] | None = None
    exclusive_minimum: bool = False


_SCORE = "The Fong score counts"
_DATE_FORMAT = "Not after the encounter date"

FINDINGS_FIELDS: Final = (
    FieldSpec(
        name="fit_for_surgery",
        kind="bool",
        required=True,
        nullable=False,
        default=None,
        label="Fit for major surgery",
        help_text="Surgeon's judgement: the patient is capable of undergoing major surgery.",
        section="Patient status",
    ),
    FieldSpec(
        name="symptomatic_primary",
        kind="bool",
        required=True,
        nullable=False,
        default=None,
        label="Symptomatic primary tumor",
        help_text=(
            "Bleeding, obstruction or perforation from the primary tumor. Must be no when "
            "the primary has already been resected."
        ),
        section="Primary tumor",
    ),
    FieldSpec(
        name="primary_resected",
        kind="bool",
        required=True,
        nullable=False,
        default=None,
        label="Primary tumor already resected",
        help_text="The primary tumor has already been resected.",
        section="Primary tumor",
    ),
    FieldSpec(
        name="primary_resection_date",
        kind="date",
        required=False,
        nullable=True,
        default=None,
        label="Date of primary resection",
        help_text=(
            f"{_DATE_FORMAT}. Required when the primary has been resected; leave empty "
            "otherwise. Used for the disease-free interval."
        ),
        section="Primary tumor",
    ),
    FieldSpec(
        name="primary_node_positive",
        kind="bool",
        required=False,
        nullable=True,
        default=None,
        label="Node-positive primary tumor",
        help_text=(
            "Lymph-node metastases of the primary tumor (N+). Answer Unknown if it is not known. "
            f"{_SCORE} a node-positive primary ({CRS_SOURCES[0]})."
        ),
        section="Primary tumor",
    ),
    FieldSpec(
        name="liver_metastases_diagnosis_date",
        kind="date",
        required=True,
        nullable=False,
        default=None,
        label="Date liver metastases were diagnosed",
        help_text=(
            f"{_DATE_FORMAT}. {_SCORE} a disease-free interval under "
            f"{DISEASE_FREE_INTERVAL_MONTHS.value} months from primary resection to this date "
            f"({DISEASE_FREE_INTERVAL_MONTHS.source}); synchronous metastases count as 0 "
            "months."
        ),
        section="Liver metastases",
    ),
    FieldSpec(
        name="liver_tumor_count",
        kind="int",
        required=False,
        nullable=True,
        default=None,
        label="Number of liver tumors",
        help_text=(
            f"{LIVER_TUMOR_COUNT_RANGE[0]} to {LIVER_TUMOR_COUNT_RANGE[1]}. Answer Unknown if "
            f"it is not known. {_SCORE} more than {LIVER_TUMOR_COUNT.value} tumor "
            f"({LIVER_TUMOR_COUNT.source})."
        ),
        section="Liver metastases",
        minimum=LIVER_TUMOR_COUNT_RANGE[0],
        maximum=LIVER_TUMOR_COUNT_RANGE[1],
    ),
    FieldSpec(
        name="largest_liver_tumor_cm",
        kind="number",
        required=False,
        nullable=True,
        default=None,
        label="Size of the largest liver tumor (cm)",
        help_text=(
            f"cm, greater than {LARGEST_TUMOR_CM_RANGE[0]} and at most "
            f"{LARGEST_TUMOR_CM_RANGE[1]}. Answer Unknown if it is not known. "
            f"{_SCORE} a largest tumor > {LARGEST_TUMOR_CM.value} cm ({LARGEST_TUMOR_CM.source})."
        ),
        section="Liver metastases",
        minimum=LARGEST_TUMOR_CM_RANGE[0],
        maximum=LARGEST_TUMOR_CM_RANGE[1],
        exclusive_minimum=True,
    ),
    FieldSpec(
        name="cea_ng_ml",
        kind="number",
        required=False,
        nullable=True,
        default=None,
        label="Preoperative CEA (ng/mL)",
        help_text=(
            f"ng/mL (µg/L is the same number), {CEA_NG_ML_RANGE[0]} to {CEA_NG_ML_RANGE[1]}. "
            f"Answer Unknown if it is not known. {_SCORE} CEA > {CEA_NG_ML.value} ng/mL "
            f"({CEA_NG_ML.source})."
        ),
        section="Liver metastases",
        minimum=CEA_NG_ML_RANGE[0],
        maximum=CEA_NG_ML_RANGE[1],
    ),
    FieldSpec(
        name="portal_lymph_nodes",
        kind="bool",
        required=False,
        nullable=False,
        default=False,
        label="Portal lymph nodes involved",
        help_text="Tumor in portal (hepatic hilar) lymph nodes.",
        section="Extrahepatic disease",
    ),
    FieldSpec(
        name="carcinomatosis",
        kind="bool",
        required=False,
        nullable=False,
        default=False,
        label="Peritoneal carcinomatosis",
        help_text="Peritoneal carcinomatosis.",
        section="Extrahepatic disease",
    ),
    FieldSpec(
        name="lung_metastases",
        kind="bool",
        required=False,
        nullable=False,
        default=False,
        label="Lung metastases",
        help_text="Metastases in the lungs.",
        section="Extrahepatic disease",
    ),
    FieldSpec(
        name="other_extrahepatic_metastases",
        kind="bool",
        required=False,
        nullable=False,
        default=False,
        label="Other extrahepatic metastases",
        help_text="Metastases in any other organ.",
        section="Extrahepatic disease",
    ),
    FieldSpec(
        name="staging_complete",
        kind="bool",
        required=True,
        nullable=False,
        default=None,
        label="Extrahepatic staging complete",
        help_text=(
            "Extrahepatic staging (cross-sectional imaging of chest, abdomen and pelvis) is done."
        ),
        section="Staging and resectability",
    ),
    FieldSpec(
        name="liver_resectability",
        kind="choice",
        required=True,
        nullable=False,
        default=None,
        label="Resectability of the liver metastases",
        help_text="Surgeon's judgement of the liver disease.",
        section="Staging and resectability",
        choices=LIVER_RESECTABILITY_CHOICES,
    ),
)

FINDINGS_FIELDS_BY_NAME: Final = MappingProxyType({spec.name: spec for spec in FINDINGS_FIELDS})
