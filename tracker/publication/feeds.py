"""The site's feeds of published acts, as pure functions: listing in, bytes out."""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree as ET  # nosec B405 -- we only write XML, never parse it

ATOM = "http://www.w3.org/2005/Atom"


def _requisites(entry) -> dict:
    found = {}
    for requisite in entry.requisites:
        if requisite.on is None:
            continue
        found[requisite.kind] = {"number": requisite.number, "date": requisite.on.isoformat()}
    return found


def _files(publication, base: str) -> dict:
    files = {"docx": f"{base}files/{publication.id}.docx"}
    if publication.pdf_state == "ready":
        files["pdf"] = f"{base}files/{publication.id}.pdf"
    if publication.signature_name:
        files["sig"] = f"{base}files/{publication.id}.sig"
    return files


def _signature(publication, base: str) -> dict | None:
    """The simple electronic signature of the PDF: who, when, the key and where to verify."""
    signature = publication.simple_signature
    if signature is None:
        return None
    return {
        "signer": signature.signer_name,
        "position": signature.signer_position,
        "signed_at": signature.signed_at.isoformat(),
        "key": signature.key,
        "pdf_sha256": signature.pdf_sha256,
        "verify": f"{base}verify?key={signature.key}",
    }


def as_json(school_name: str, groups, base: str) -> bytes:
    """base: the school's public address ending in «/», e.g. https://…/public/school20/."""
    documents = []
    for kind, entries in groups:
        for entry in entries:
            publication = entry.publication
            requisites = _requisites(entry)
            documents.append(
                {
                    "title": entry.act.title,
                    "type": kind,
                    "adopted": requisites.get("ped_council"),
                    "opinions": {
                        key: value
                        for key, value in requisites.items()
                        if key not in ("ped_council", "order")
                    },
                    "order": requisites.get("order"),
                    "in_force_on": entry.in_force_on.isoformat() if entry.in_force_on else None,
                    "published_at": publication.published_at.isoformat(),
                    "signed_by": publication.signed_by or None,
                    "signature": _signature(publication, base),
                    "files": _files(publication, base),
                    "superseded": [
                        {
                            "published_at": old.published_at.isoformat(),
                            "files": _files(old, base),
                        }
                        for old in entry.history
                    ],
                }
            )
    return json.dumps(
        {"school": school_name, "documents": documents}, ensure_ascii=False, indent=2
    ).encode("utf-8")


def as_atom(school_name: str, groups, base: str, page_url: str, updated: datetime) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{school_name}: документы"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = page_url
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}link", href=page_url, rel="alternate")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = school_name
    for _kind, entries in groups:
        for entry in entries:
            publication = entry.publication
            item = ET.SubElement(feed, f"{{{ATOM}}}entry")
            ET.SubElement(item, f"{{{ATOM}}}title").text = entry.act.title
            ET.SubElement(item, f"{{{ATOM}}}id").text = f"{base}files/{publication.id}"
            ET.SubElement(item, f"{{{ATOM}}}updated").text = publication.published_at.isoformat()
            for kind, href in _files(publication, base).items():
                ET.SubElement(
                    item,
                    f"{{{ATOM}}}link",
                    href=href,
                    rel="enclosure" if kind != "docx" else "alternate",
                )
            lines = []
            for requisite in entry.requisites:
                if requisite.on is not None:
                    lines.append(
                        f"{requisite.title}: № {requisite.number} от {requisite.on:%d.%m.%Y}"
                    )
            ET.SubElement(item, f"{{{ATOM}}}summary").text = "; ".join(lines)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
