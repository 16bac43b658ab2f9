"""What a school's template may use: the placeholders of each kind of document, with what each
holds (shown on the documents page), and the limits of an uploaded template."""

from __future__ import annotations

from tracker.documents.docx_form import BLANK_NUMBER
from tracker.documents.models import DocumentKind

MAX_SIZE = 5 * 1024 * 1024  # the uploaded file
MAX_UNPACKED = 100 * 1024 * 1024  # its parts unpacked: a small zip may hold gigabytes
MAX_PRODUCT = 100_000  # characters or items `*` may make ('x' * 10**9 would fill the memory)
MAX_EXPONENT = 1000
BLANK_PUPIL = "________________________________"

# --- the placeholders of each kind ---

SCHOOL_FIELDS = {
    "school_full_name": "полное наименование школы",
    "school_short_name": "краткое наименование школы",
    "school_city": "город",
    "director_name": "директор, как в подписи (Т. П. Иванова)",
}
STAMP_NOTE = "строки грифа через перенос; пусто, если такого шага в маршруте нет"
ACT_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "название акта целиком",
    "title_kind": "первое слово названия прописными (ПОЛОЖЕНИЕ)",
    "title_subject": "остальная часть названия (об электронном журнале)",
    "version_number": "номер редакции текста",
    "body_text": "текст акта целиком, строки через перенос",
    "sections": "разделы: список {heading, points: [пункты]}",
    "stamp_ped_council": f"гриф «ПРИНЯТО» педагогического совета ({STAMP_NOTE})",
    "stamp_parents_council": f"гриф «УЧТЕНО» Совета родителей ({STAMP_NOTE})",
    "stamp_students_council": f"гриф «УЧТЕНО» Совета обучающихся ({STAMP_NOTE})",
    "stamp_employees_body": f"гриф «УЧТЕНО» представительного органа работников ({STAMP_NOTE})",
    "stamp_order": f"гриф «УТВЕРЖДЕНО» приказом директора ({STAMP_NOTE})",
    "appendix_to": "строка «Приложение к приказу…»; пусто, если акт не приложение к приказу",
}
ORDER_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "заголовок приказа («О переходе на …»)",
    "number": f"номер приказа ({BLANK_NUMBER}, пока его нет)",
    "date": "дата приказа, 05.06.2023 (пустой бланк даты, пока её нет)",
    "preamble": "текст перед «ПРИКАЗЫВАЮ»",
    "points": "пункты приказа: список строк без номеров (номер — loop.index)",
    "table_header": "заголовки столбцов таблицы приказа; пустой список, если таблицы нет",
    "table_rows": "строки таблицы приказа: список списков ячеек",
    "familiarise": "кто должен ознакомиться: список {name, position}",
    "appendices": "утверждаемые акты, у каждого поля локального акта (a.title, a.sections…); "
    "пусто, если приложений нет",
}
PROTOCOL_FIELDS = {
    **SCHOOL_FIELDS,
    "body_genitive": "орган в родительном падеже («педагогического совета»)",
    "number": "номер протокола",
    "date": "дата заседания, 05.06.2023",
    "place": "место проведения",
    "chair": "председатель",
    "secretary": "секретарь",
    "members": "число членов органа",
    "present": "сколько присутствовали; пусто, если не отмечено",
    "absent": "сколько отсутствовали; пусто, если не отмечено",
    "items": "вопросы повестки: список {title, speaker, comments: [{section, text, author}], "
    "decision, votes_for, votes_against, votes_abstained, remarks}; голоса пусты, "
    "если не голосовали",
}
PLAN_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "название плана",
    "as_of": "дата, на которую показано состояние, 05.06.2023",
    "phases": "этапы: список {title, rows: [{number, title, window, responsible, status}]}",
}
SHEET_FIELDS = {
    **SCHOOL_FIELDS,
    "order_title": "заголовок приказа",
    "number": f"номер приказа ({BLANK_NUMBER}, пока его нет)",
    "date": "дата приказа, 05.06.2023 (пустой бланк даты, пока её нет)",
    "people": "кто знакомится: список {name, position}",
}
CONSENT_FIELDS = {
    **SCHOOL_FIELDS,
    "school_address": "адрес школы (оператора персональных данных)",
    "pupils": "обучающиеся, по согласию на каждого: список {pupil, class_name}; "
    "один пустой бланк, если список не задан",
}
CONTROL_REPORT_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "тема контроля (название проверки)",
    "label": "проверяемый период («октябрь 2026», «1 четверть»)",
    "date": "дата проверки, 05.06.2023 (пустой бланк даты, пока её нет)",
    "objects": "объект контроля: классы или учителя («электронный журнал», если не указан)",
    "checker_name": "проверяющий, Ф. И. О. полностью",
    "checker_position": "должность проверяющего",
    "checker_signature": "проверяющий, как в подписи (Е. В. Смирнова)",
    "findings": "результаты по критериям: список {number, criterion, violations, "
    "violations_text, comment}; violations — число, violations_text — «нет» при нуле",
    "total_violations": "всего нарушений (число)",
    "conclusion": "выводы",
    "recommendations": "рекомендации: список {text, person, position, due_on, sentence}; "
    "due_on — 05.06.2023, sentence — рекомендация с ответственным и сроком одной фразой",
    "familiarise": "кто знакомится со справкой (названные в рекомендациях): "
    "список {name, position}",
}
PLACEHOLDERS: dict[DocumentKind, dict[str, str]] = {
    DocumentKind.ACT: ACT_FIELDS,
    DocumentKind.ORDER: ORDER_FIELDS,
    DocumentKind.TRANSITION_ORDER: ORDER_FIELDS,
    DocumentKind.DUTIES_ORDER: ORDER_FIELDS,
    DocumentKind.PROTOCOL: PROTOCOL_FIELDS,
    DocumentKind.PLAN: PLAN_FIELDS,
    DocumentKind.SHEET: SHEET_FIELDS,
    DocumentKind.CONSENT: CONSENT_FIELDS,
    DocumentKind.CONTROL_REPORT: CONTROL_REPORT_FIELDS,
}
# Names a template may use besides the placeholders: Jinja's loop variable (names bound by
# `{% for %}` and `{% set %}` are never reported as undeclared) and the environment's globals.
JINJA_NAMES = frozenset({"loop"})
