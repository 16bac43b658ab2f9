"""The school's acts, bodies, meetings, decisions and orders as plain data for the export."""

from tracker.accounts.models import School
from tracker.acts.services import acts_of
from tracker.approvals.queries import bodies_of, orders_of, requisites
from tracker.plans.export import iso


def approvals_data(school: School) -> dict:
    acts = acts_of(school)
    return {
        "acts": [
            {
                "id": act.id,
                "title": act.title,
                "status": str(act.status),
                "version": act.current_version.number if act.current_version else None,
                "route": act.route,
                "requisites": [
                    {
                        "kind": str(r.kind),
                        "title": r.title,
                        "number": r.number,
                        "on": iso(r.on),
                        "decision": str(r.decision) if r.decision else None,
                    }
                    for r in requisites(act)
                ],
            }
            for act in acts
        ],
        "bodies": [
            {
                "kind": str(body.kind),
                "title": body.title,
                "members_count": body.members_count,
                "quorum": f"{body.quorum_numerator}/{body.quorum_denominator}",
                "chair": body.chair.username if body.chair else None,
                "secretary": body.secretary.username if body.secretary else None,
                "meetings": [
                    {
                        "protocol_number": meeting.protocol_number,
                        "held_at": iso(meeting.held_at),
                        "place": meeting.place,
                        "present_count": meeting.present_count,
                        "decisions": [
                            {
                                "act": item.act.title,
                                "version": item.step.version_number,
                                "decision": str(item.decision) if item.decision else None,
                                "votes": {
                                    "for": item.votes_for,
                                    "against": item.votes_against,
                                    "abstained": item.votes_abstained,
                                },
                                "remarks": item.remarks,
                            }
                            for item in meeting.items
                        ],
                    }
                    for meeting in sorted(body.meetings, key=lambda m: m.held_at)
                ],
            }
            for body in bodies_of(school)
        ],
        "orders": [
            {
                "number": order.number,
                "issued_on": iso(order.issued_on),
                "title": order.title,
                "in_force_on": iso(order.in_force_on),
                "acts": [act.title for act in order.acts],
            }
            for order in orders_of(school)
        ],
    }
