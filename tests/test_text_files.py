"""Text files as Russian PCs write them: the same plan or class list in UTF-8, UTF-8 with a BOM,
UTF-16 (Word's «Юникод», with and without a BOM) and Windows-1251 reads the same; what is not
text is refused saying what it looks like."""

import re

import pytest

from tracker.types import decode_text

TEXT = "№\tМероприятие\tСроки\tОтветственный\r\n1\tСовещание\tМай 2023г.\tДиректор\r\n"


@pytest.mark.parametrize(
    "content",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),  # with its BOM
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
        TEXT.encode("cp1251"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le", "utf-16-be", "cp1251"],
)
def test_every_encoding_reads_the_same(content):
    assert decode_text(content) == TEXT


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "файл пуст"),
        (b"  \r\n ", "файл пуст"),
        (b"PK\x03\x04\x14\x00rest-of-a-docx", "архив ZIP (DOCX, XLSX)"),
        (b"\x89PNG\r\n\x1a\n....", "рисунок PNG"),
        (b"\xff\xd8\xff\xe0JFIF", "фотография JPEG"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old doc", "DOC, XLS"),
        (bytes(range(256)) * 4, "это не текст"),
    ],
)
def test_what_is_not_text_is_refused_saying_what_it_is(content, said):
    with pytest.raises(ValueError, match=re.escape(said)):
        decode_text(content)
