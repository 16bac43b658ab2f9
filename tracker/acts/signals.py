"""Signals of the acts package: how a lower layer asks a higher one without importing it."""

from blinker import Namespace

signals = Namespace()

# Sent with a `PlanRole` as the sender and `act=` the act; the one receiver connected for that
# role returns the day the act passed the step (None while it has not). `approvals` answers for
# the discussion, the councils and the order, `publication` for the site.
plan_step_done_on = signals.signal("plan-step-done-on")
