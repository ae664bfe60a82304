"""What a rule is, and every rule of the Cancellation Policy, declared once.

Each rule has a stable id (never reuse or rename one), the policy's words in plain language,
and the site section that states it: `reference` is "page/#anchor", relative to the site root.
What each status and circumstance does with a rule is in its record (`statuses.py`, `facts.py`);
this file only says what the policy says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .i18n import N_, _


class Topic(StrEnum):
    """The part of the policy a rule belongs to, in page order."""

    STATUS = "status"
    REVIEW_FLOW = "review_flow"
    MAY_BE_REVIEWED = "may_be_reviewed"
    USUALLY_NOT_AVAILABLE = "usually_not_available"
    BALANCE = "balance"
    BEFORE_ORDERING = "before_ordering"
    REQUESTING = "requesting"


@dataclass(frozen=True)
class Rule:
    """One statement of the policy that a decision can cite."""

    id: str
    topic: Topic
    source_title: str  # in English, the catalog's msgid; `title` is it in the reader's language
    source_statement: str
    reference: str
    seed_mark: str = ""  # the number or letter the published policy shows beside it

    @property
    def title(self) -> str:
        """The rule's short name, in the current language."""
        return _(self.source_title)

    @property
    def statement(self) -> str:
        """The policy's words in plain language, in the current language."""
        return _(self.source_statement)

    @property
    def page(self) -> str:
        """The page part of the reference, e.g. "cancellation/"."""
        return self.reference.split("#", 1)[0]

    @property
    def anchor(self) -> str:
        """The section id part of the reference, e.g. "processing-orders"."""
        return self.reference.split("#", 1)[1]


def _rule(id: str, topic: Topic, title: str, statement: str, reference: str, mark: str = "") -> Rule:
    return Rule(id, topic, title, statement, reference, mark)


S, F, M, N, B, O, R = (  # noqa: E741 - short aliases keep the rule table readable
    Topic.STATUS,
    Topic.REVIEW_FLOW,
    Topic.MAY_BE_REVIEWED,
    Topic.USUALLY_NOT_AVAILABLE,
    Topic.BALANCE,
    Topic.BEFORE_ORDERING,
    Topic.REQUESTING,
)

RULES: tuple[Rule, ...] = (
    # Check the order status before you cancel (01-05), plus the two end states panels show.
    _rule("status.pending", S, N_("Pending orders may be reviewed"),
          N_("If no delivery work has started, support may check whether cancellation is still possible."),
             "cancellation/#pending-orders", "01"),
    _rule("status.processing", S, N_("Cancelling a processing order is limited"),
          N_("Once an order enters the provider or system queue, stopping it may not be possible."),
             "cancellation/#processing-orders", "02"),
    _rule("status.in_progress", S, N_("In-progress orders usually continue"),
          N_("If delivery has already started, cancellation may be unavailable or only partly reviewed."),
             "cancellation/#in-progress-orders", "03"),
    _rule("status.completed", S, N_("Completed orders cannot be cancelled"),
          N_("Support may review delivery concerns, but completed orders are generally not reversible."),
             "cancellation/#completed-orders", "04"),
    _rule("status.wrong_link", S, N_("Wrong links must be reported fast"),
          N_("If the submitted Telegram link is wrong, open a ticket immediately, before delivery advances."),
             "cancellation/#wrong-links", "05"),
    _rule("status.partial", S, N_("Partial orders have stopped"),
          N_("Delivery stopped before the full quantity, so nothing is left running to cancel."),
             "cancellation/#partial-orders"),
    _rule("status.canceled", S, N_("Cancelled orders are already stopped"),
          N_("There is nothing left to cancel. If your balance does not look right, support may review it."),
             "cancellation/#canceled-orders"),
    # How cancellation requests are reviewed.
    _rule("review.open_ticket", F, N_("Open a ticket"),
          N_("Cancellation requests are reviewed through support tickets. Include the order ID, "
             "submitted Telegram link, service name and reason for cancellation."),
             "cancellation/#review-flow", "01"),
    _rule("review.status_checked", F, N_("Status is checked"),
          N_("Support checks whether the order is pending, processing, in progress, partial or completed."),
             "cancellation/#review-flow", "02"),
    _rule("review.service_rules_compared", F, N_("Service rules are compared"),
          N_("Some services allow review before processing; others cannot be stopped after they enter the queue."),
             "cancellation/#review-flow", "03"),
    _rule("review.final_answer", F, N_("Final answer is sent"),
          N_("Support replies in the ticket with approval, rejection, an explanation or the next available step. "
             "Until then, any outcome shown here is only the likely one."),
             "cancellation/#review-flow", "04"),
    # When cancellation may be possible.
    _rule("may.pending", M, N_("Order is still pending"),
          N_("The order has been submitted but may not have entered processing yet."),
             "cancellation/#may-be-reviewed"),
    _rule("may.wrong_link_reported_quickly", M, N_("Wrong link reported quickly"),
          N_("A wrong link reported in a ticket before delivery starts (while the order is pending or "
             "processing) can still be reviewed."),
             "cancellation/#may-be-reviewed"),
    _rule("may.service_unavailable", M, N_("Service is unavailable"),
          N_("If the service cannot be processed, support may review the cancellation or your balance. "
             "This applies before delivery starts."),
             "cancellation/#may-be-reviewed"),
    _rule("may.duplicate_detected_early", M, N_("Duplicate detected early"),
          N_("If a duplicate order is reported before delivery starts (while it is pending or processing), "
             "support may review the situation."),
             "cancellation/#may-be-reviewed"),
    # When cancellation may be rejected.
    _rule("not.delivery_started", N, N_("Delivery already started"),
          N_("Once delivery is active, the provider may not be able to stop the order."),
             "cancellation/#usually-not-available"),
    _rule("not.completed", N, N_("Order is completed"),
          N_("Completed orders are generally not cancellable, even if expectations were different."),
             "cancellation/#usually-not-available"),
    _rule("not.target_changed", N, N_("Target was changed late"),
          N_("A deleted, private, renamed or changed Telegram target can limit correction or cancellation. "
             "It lowers the answer one step, but only a completed order cannot be cancelled."),
             "cancellation/#usually-not-available"),
    _rule("not.service_rule", N, N_("Service rule does not allow it"),
          N_("Some services have strict processing rules once an order is submitted."),
             "cancellation/#usually-not-available"),
    # Balance, refund and credit.
    _rule("balance.not_automatic", B, N_("Cancellation does not mean refund"),
          N_("A cancellation review never automatically guarantees a card refund, balance return or credit."),
             "cancellation/#refund-not-automatic"),
    _rule("balance.pending_review", B, N_("Pending review"),
          N_("If the order has not started, support may review the cancellation and a possible return to "
             "your balance."),
             "cancellation/#balance-cases", "A"),
    _rule("balance.processing_review", B, N_("Processing review"),
          N_("If the order entered processing, refund or credit options may be limited."),
             "cancellation/#balance-cases", "B"),
    _rule("balance.partial_result", B, N_("Partial result"),
          N_("If only part of the order is delivered, support may review based on the service rules."),
             "cancellation/#balance-cases", "C"),
    _rule("balance.completed_order", B, N_("Completed order"),
          N_("If the order is completed, cancellation is usually not available, and so a refund is not either."),
             "cancellation/#balance-cases", "D"),
    _rule("balance.payment_details", B, N_("Payment cases need payment details"),
          N_("For payment questions, include the transaction reference, order ID, amount and a clear explanation."),
             "cancellation/#payment-cases"),
    # How to avoid cancellation problems.
    _rule("before.check_service", O, N_("Check the service"),
          N_("Before ordering, read the service title, description, minimum, maximum, delivery speed and notes."),
             "cancellation/#avoid-problems", "1"),
    _rule("before.verify_link", O, N_("Verify the Telegram link"),
          N_("Make sure the channel, group, post, bot or username is correct and public."),
             "cancellation/#avoid-problems", "2"),
    _rule("before.avoid_duplicates", O, N_("Avoid duplicate orders"),
          N_("Do not place overlapping orders on the same target unless the service notes allow it."),
             "cancellation/#avoid-problems", "3"),
    _rule("before.know_limits", O, N_("Know the limits"),
          N_("Delivery estimates, refill, drops and cancellation rules can vary by service."),
             "cancellation/#avoid-problems", "4"),
    _rule("before.no_password", O, N_("No password is required"),
          N_("Standard Telegram service orders never need a password. Do not share private access details."),
             "no-password-required/#never-needed"),
    # Need to request cancellation?
    _rule("request.ticket", R, N_("Request cancellation in a ticket"),
          N_("Open a support ticket with your order ID, submitted Telegram link, current status and reason. "
             "Support reviews it based on order status and service rules."),
             "cancellation/#request-cancellation"),
)

# Rules that hold for every answer: the page states them once, beside the Desk, not in each answer.
EVERY_ANSWER: tuple[str, ...] = ("balance.not_automatic", "review.final_answer", "request.ticket")

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule(rule_id: str) -> Rule:
    """The rule with this id; a KeyError here is a bug in the routing table, not bad input."""
    return RULES_BY_ID[rule_id]


def references() -> tuple[str, ...]:
    """Every distinct section the rules cite, in rule order."""
    return tuple(dict.fromkeys(rule.reference for rule in RULES))
