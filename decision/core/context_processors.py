from django.http import HttpRequest

from decision.core import roles


def permissions(request: HttpRequest) -> dict[str, bool]:
    """What the current user may do, for navigation and buttons."""
    user = request.user
    return {
        "can_read_clinical": roles.can_read_clinical(user),
        "can_write_clinical": roles.can_write_clinical(user),
        "can_record_board_decision": roles.can_record_board_decision(user),
        "can_read_audit": roles.can_read_audit(user),
    }
