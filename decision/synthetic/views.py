from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def baseline(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: behind the same middleware as every page (session, login,
    security headers), it does one query by primary key and renders no template."""
    user_model = get_user_model()
    user_model.objects.filter(pk=request.user.pk).values_list("pk", flat=True).get()
    return HttpResponse("ok\n", content_type="text/plain")
