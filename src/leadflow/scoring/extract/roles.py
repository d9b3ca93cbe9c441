"""Authority: the role the lead holds and whether they decide.

What the lead says about deciding outranks their title: "I need to check with my boss" makes
a CEO no decision maker, "I make the decision" makes a manager one. Without either, the owners,
founders and the C-suite decide; other titles leave it unknown. A role someone else holds ("our
CEO asked me", "check with the owner") is not the writer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from leadflow.scoring.extract.text import Folded, fold, folded_words, key


@dataclass(frozen=True)
class Authority:
    role: str | None
    decision_maker: bool | None
    evidence: str


_DEPARTMENT = (
    r"(?:sales|marketing|operations|ops|it|engineering|product|finance|hr|people|procurement|"
    r"purchasing|growth|business development|bd|technology|tech|customer success|support|"
    r"revenue|digital|e-?commerce|strategy|legal|admin|office|projects?|accounts?|branch|store|"
    r"property|leasing|partnerships|data|design|security|innovation|transformation|"
    r"communications|brand|content|demand generation|sales operations|revops)"
)
_ARABIC_ROLES = {
    "المدير التنفيذي": "CEO", "الرئيس التنفيذي": "CEO", "مدير تنفيذي": "CEO",
    "رئيس تنفيذي": "CEO", "المدير المالي": "CFO", "المدير التقني": "CTO",
    "صاحب الشركة": "Owner", "صاحبة الشركة": "Owner", "مالك الشركة": "Owner",
    "صاحب المؤسسة": "Owner", "صاحب العمل": "Owner", "صاحب المكتب": "Owner",
    "صاحب المحل": "Owner", "المالك": "Owner", "شريك مؤسس": "Co-founder", "المؤسس": "Founder",
    "مؤسس": "Founder", "مدير المشتريات": "Procurement Manager",
    "مسؤول المشتريات": "Procurement Manager", "المشتريات": "Procurement",
    "المدير العام": "General Manager", "مدير عام": "General Manager",
    "مدير التسويق": "Marketing Manager", "مدير المبيعات": "Sales Manager",
    "مدير العمليات": "Operations Manager", "مدير تقنية المعلومات": "IT Manager",
    "مدير الموارد البشرية": "HR Manager", "مدير المشاريع": "Project Manager",
    "نائب الرئيس": "VP", "رئيس مجلس الإدارة": "Chairman", "المدير": "Manager", "مدير": "Manager",
}  # fmt: skip
_ARABIC = {fold(words).text: role for words, role in _ARABIC_ROLES.items()}
_DECIDERS = {
    "CEO", "CTO", "CFO", "COO", "CMO", "CIO", "CRO", "CPO", "CSO", "Founder", "Co-founder",
    "Owner", "President", "Managing Director", "Chairman",
}  # fmt: skip
_ROLE = re.compile(
    r"\b(?P<chief>ceo|cto|cfo|coo|cmo|cio|cro|cpo|cso)\b"
    r"|\bchief (?P<chief_of>\w+(?: \w+)?) officer\b"
    r"|\b(?P<cofounder>co-?founder)\b|\b(?P<founder>founder)\b"
    r"|(?<!product )(?<!process )\b(?P<owner>(?:business |company )?owner)\b"
    r"|\bi own (?:the|this|a|my) (?:company|business)"
    r"|\b(?P<md>managing director)\b|\b(?P<gm>general manager)\b|\b(?P<chair>chairman)\b"
    r"|\b(?P<president>president)\b(?! of)"
    rf"|\b(?P<vp>vp|vice president|svp|evp)\b(?:,?\s*(?:of\s+)?(?P<vp_of>{_DEPARTMENT})\b)?"
    rf"|\b(?P<head>head|director) of (?P<head_of>{_DEPARTMENT})\b"
    rf"|\b(?P<dept>{_DEPARTMENT}) (?P<title>director|manager|head|officer|executive)\b"
    r"|\b(?P<plain>procurement|purchasing|manager|director|buyer|consultant|assistant|"
    r"engineer|analyst|coordinator|specialist|intern)\b"
    r"|(?<!\w)(?P<arabic>" + folded_words(*_ARABIC_ROLES) + r")(?!\w)"
)
_SOMEONE_ELSE = re.compile(
    r"(?:\b(?:our|my|your|their|his|her|company's)|\bwith(?: the)?|\bto(?: the)?|\bask(?: the)?"
    r"|(?<!\w)مع|(?<!\w)(?:ل|إلى|الى))\s*$"
)
_DECIDES = re.compile(
    r"\bi (?:make|take|own|have) (?:the |all |final |all the )*(?:decisions?|call|say)\b"
    r"|\bi(?:'m| am) (?:the |a )?(?:final |key |main )?decision[- ]?maker\b"
    r"|\bi (?:decide|sign off|approve|sign the (?:contracts?|cheques?|checks?))\b"
    r"|\b(?:it's|it is|its) (?:my|our) (?:call|decision)\b|\bi have (?:the )?(?:final say|"
    r"budget authority|sign-?off|authority)\b|"
    + folded_words(
        "أنا صاحب القرار", "القرار لي", "القرار بيدي", "القرار عندي", "القرار راجع لي",
        "أنا اللي أقرر", "أنا من يقرر", "أنا أقرر", "أنا المسؤول عن القرار",
    )
)  # fmt: skip
_DEFERS = re.compile(
    r"\b(?:check|confirm|discuss|talk|speak|consult|clear (?:it|this)|run (?:it|this)"
    r"|get (?:it|this) approved|verify)\b[^.!?;\n]{0,25}?\b(?:with|by|past)\s+"
    r"(?:my|our|the)\s+(?:\w+\s+)?"
    r"(?:boss|manager|ceo|founder|owner|director|team|partners?|board|management|head|vp|cfo|"
    r"procurement|finance|supervisor|superior|gm|committee|leadership|husband|wife)\b"
    r"|\bneeds? (?:\w+ )?(?:approval|sign-?off)\b|\bnot (?:the|a) decision[- ]?maker\b"
    r"|\bi(?:'m| am) not the (?:one|person) who (?:decides|signs)\b"
    r"|\bi (?:don't|do not|can't|cannot) (?:make|decide|sign|approve)\b"
    r"|\bnot my (?:call|decision)\b"
    r"|\b(?:my boss|my manager|the board|our ceo|management|the owner|our owner|my team)"
    r" (?:decides|will decide|makes the (?:final )?(?:decision|call)|has the final say)\b"
    r"|\bi(?:'ll| will)? (?:have|need) to ask\b|\babove my pay ?grade\b|"
    + folded_words("أراجع", "أرجع", "أتشاور", "أستشير", "أشاور", "أكلم", "أتكلم", "نراجع", "نتشاور")
    + r"\s+(?:مع\s+)?"
    + folded_words(
        "المدير", "مديري", "الإدارة", "إدارتي", "الشركاء", "شريكي", "صاحب الشركة", "المالك",
        "الرئيس", "مجلس الإدارة", "الفريق", "المسؤول",
    )
    + "|"
    + folded_words("أحتاج موافقة", "نحتاج موافقة", "يحتاج موافقة", "يحتاج إلى موافقة")
    + "|"
    + folded_words(
        "القرار ليس بيدي", "القرار مو بيدي", "القرار مش بيدي", "القرار ليس لي",
        "لست صاحب القرار", "مو صاحب القرار", "مش صاحب القرار", "لست المسؤول عن القرار",
    )
)  # fmt: skip


def _label(folded: Folded, match: re.Match[str]) -> str:
    """The role in the product's words: known titles canonical, the rest as written."""
    groups = match.groupdict()
    if groups["chief"]:
        return groups["chief"].upper()
    simple = {
        "cofounder": "Co-founder", "founder": "Founder", "md": "Managing Director",
        "gm": "General Manager", "chair": "Chairman", "president": "President",
    }  # fmt: skip
    for group, label in simple.items():
        if groups[group]:
            return label
    if groups["owner"] or match.group().startswith("i own"):
        return "Owner"
    if groups["arabic"]:
        return _ARABIC[key(groups["arabic"])]
    if groups["chief_of"]:
        return "Chief " + folded.quote(*match.span("chief_of")).title() + " Officer"
    if groups["vp"]:
        department = folded.quote(*match.span("vp_of")) if groups["vp_of"] else ""
        return f"VP {department}".strip() if department else "VP"
    written = folded.quote(*match.span())
    return written[0].upper() + written[1:]


def _decides_by_title(role: str) -> bool:
    return role in _DECIDERS or role.startswith("Chief ")


def _role(folded: Folded) -> tuple[str, int] | None:
    for match in _ROLE.finditer(folded.text):
        sentence_start, _ = folded.sentence_bounds(match.start())
        before = folded.text[max(sentence_start, match.start() - 40) : match.start()]
        if _SOMEONE_ELSE.search(before):
            continue
        return _label(folded, match), match.start()
    return None


def extract_authority(text: str) -> Authority | None:
    """The writer's role and whether they decide, from what they say of themselves."""
    folded = fold(text)
    role = _role(folded)
    defers = _DEFERS.search(folded.text)
    decides = _DECIDES.search(folded.text)
    said = defers or decides
    decision_maker: bool | None
    if said is not None:
        decision_maker, position = said is decides, said.start()
    elif role is not None:
        decision_maker = True if _decides_by_title(role[0]) else None
        position = role[1]
    else:
        return None
    evidence = folded.evidence(position, position + 1)
    if role is not None and said is not None:
        role_evidence = folded.evidence(role[1], role[1] + 1)
        if role_evidence != evidence:
            evidence = f"{role_evidence} … {evidence}"
    return Authority(
        role=role[0] if role else None, decision_maker=decision_maker, evidence=evidence
    )
