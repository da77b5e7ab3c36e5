from django.dispatch import Signal

# Sent after the transaction that wrote a CaseEvent has committed; notifications listen here.
case_event_committed = Signal()  # kwargs: event
