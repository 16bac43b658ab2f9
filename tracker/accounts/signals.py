"""Signals of the accounts package: how a lower layer tells a higher one without importing it."""

from blinker import Namespace

signals = Namespace()

# Sent with the school as the sender when who does what there may have changed: a person took
# or left a position, left the school or came back, or the director named other people or
# positions on a task. `controls.work` re-derives the recurring items' statuses (a class
# teacher who came owes her parts; one who left no longer holds the item open).
staff_changed = signals.signal("staff-changed")
