from django.dispatch import Signal

# Sent inside the transaction that wrote a CaseEvent, so that what listeners write (outbox rows,
# deadlines) commits or rolls back with the event. Listeners must not talk to the network.
case_event_recorded = Signal()  # kwargs: event
