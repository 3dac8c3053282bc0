"""Log in (password, then a one-time code where needed), two-factor set-up, API tokens, members' security.

Pages (``/security/``):

* ``two-factor/``: set up an authenticator app (QR code drawn on the server, the secret as
  text), confirm it with a code, get ten recovery codes (shown once); later: new recovery
  codes, a new phone, or switching it off where the role allows.
* ``two-factor/verify/``: the code step after the password.
* ``tokens/``: one's own API tokens (create, shown once; revoke), and for an administrator the
  tokens of the company's members (revoke).
* ``members/``: for an administrator: who has two-factor, who is locked out; reset a lost
  authenticator, lift a lock-out.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm
from fakturaflyt.companies.roles import Perm
from fakturaflyt.security import events, tokens, twofactor
from fakturaflyt.security.error_codes import SecurityError
from fakturaflyt.security.lockout import username_of


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. 'ERP import'."))


def _safe_next(request: HttpRequest, fallback: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(fallback)


class LoginView(auth_views.LoginView):
    """Django's login, then the code step for a user who has an authenticator app."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if twofactor.has_confirmed_device(user):
            self.request.session[twofactor.PENDING_SESSION_KEY] = True
            return HttpResponseRedirect(
                reverse("security:verify") + "?" + _query_next(self.get_success_url())  # type: ignore[arg-type]
            )
        return response


def _query_next(url: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": url})


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app or a recovery code."""
    if not twofactor.has_confirmed_device(request.user):
        return redirect("security:two_factor")
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_safe_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_safe_next(request))
        form.add_error(
            "code",
            gettext("The code was not accepted. Use the current code from the app, or an unused recovery code."),
        )
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "security/verify.html", context, status=200 if not form.errors else 400)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up or manage the authenticator app and the recovery codes."""
    user = request.user
    enrolled = twofactor.has_confirmed_device(user)
    verified = user.is_verified()  # type: ignore[union-attr]
    if enrolled and not verified:
        # Managing an existing second factor needs it first.
        return redirect(reverse("security:verify") + "?" + _query_next(request.get_full_path()))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    codes: list[str] | None = None
    form = CodeForm(request.POST if action == "confirm" else None)
    if action == "confirm" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(request, form.cleaned_data["code"])
        except SecurityError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, gettext("Two-factor authentication is on."))
            enrolled = True
    elif action == "renew_codes" and enrolled:
        codes = twofactor.renew_recovery_codes(request)
        messages.success(request, gettext("New recovery codes made; the old ones no longer work."))
    elif action == "remove" and enrolled:
        try:
            twofactor.remove(request)
        except SecurityError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Two-factor authentication is off."))
        return redirect("security:two_factor")
    elif action == "replace" and enrolled:
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
        enrolled = False  # show the set-up for the new phone; the old one works until the new is confirmed
    context: dict[str, Any] = {
        "enrolled": enrolled,
        "codes": codes,
        "form": form,
        "required": twofactor.enforced() and twofactor.role_requires(getattr(request, "membership", None)),
        "removable": not twofactor.required_for_user(user),
        "next": _safe_next(request) if (request.POST.get("next") or request.GET.get("next")) else "",
    }
    if not enrolled:
        device = twofactor.pending_device(user)
        context.update({"qr_svg": twofactor.qr_svg(device), "secret": twofactor.secret_text(device)})
    else:
        device = twofactor.confirmed_totp(user)
        context.update({"device": device, "recovery_left": twofactor.recovery_codes_left(user)})
    status = 400 if form.errors else 200
    return render(request, "security/two_factor.html", context, status=status)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """One's own API tokens, and (administrator) the company members' tokens."""
    company = getattr(request, "company", None)
    is_admin = company is not None and has_perm(getattr(request, "membership", None), Perm.MANAGE_USERS)
    created_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, created_key = tokens.create(request.user, form.cleaned_data["name"])
        messages.success(
            request, gettext("Token “%(name)s” created. Copy it now: it is not shown again.") % {"name": token.name}
        )
        form = TokenForm()
    context = {
        "form": form,
        "created_key": created_key,
        "own": tokens.own(request.user),
        "members_tokens": tokens.of_company_members(company, exclude_user=request.user) if is_admin else None,
        "api_url": request.build_absolute_uri("/api/"),
    }
    return render(request, "security/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = tokens.revoke(request.user, token_id, getattr(request, "company", None))
    except SecurityError as exc:
        messages.error(request, exc.message)
        return redirect("security:tokens")
    messages.success(request, gettext("Token “%(name)s” revoked; it no longer works.") % {"name": token.name})
    return redirect("security:tokens")


@company_view(Perm.MANAGE_USERS)
def members(request: HttpRequest) -> HttpResponse:
    """The administrator's view: each member's two-factor state and any lock-out."""
    company = request.membership.company  # type: ignore[attr-defined]
    rows = list(Membership.objects.filter(company=company).select_related("user").order_by("user__username"))
    user_ids = [m.user_id for m in rows]
    with_device = set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
    names = {username_of(request, {"username": m.user.get_username()}): m for m in rows}
    locked_names = set(
        AccessAttempt.objects.filter(username__in=list(names)).values_list("username", flat=True).distinct()
    )
    context = {
        "rows": [
            {
                "membership": m,
                "enrolled": m.user_id in with_device,
                "required": twofactor.role_requires(m),
                "attempts": username_of(request, {"username": m.user.get_username()}) in locked_names,
            }
            for m in rows
        ],
        "enforced": twofactor.enforced(),
    }
    return render(request, "security/members.html", context)


def _member_or_404(request: HttpRequest, membership_id: int) -> Membership:
    from django.http import Http404

    m = Membership.objects.select_related("user").filter(pk=membership_id, company=request.company).first()  # type: ignore[attr-defined]
    if m is None:
        raise Http404
    return m


@company_view(Perm.MANAGE_USERS)
@require_POST
def member_reset_two_factor(request: HttpRequest, membership_id: int) -> HttpResponse:
    m = _member_or_404(request, membership_id)
    twofactor.reset(request.user, request.company, m.user)  # type: ignore[attr-defined]
    messages.success(
        request,
        gettext("Two-factor authentication of %(user)s was reset; they set it up again at their next login.")
        % {"user": m.user.get_username()},
    )
    return redirect("security:members")


@company_view(Perm.MANAGE_USERS)
@require_POST
def member_unlock(request: HttpRequest, membership_id: int) -> HttpResponse:
    m = _member_or_404(request, membership_id)
    axes_reset(username=username_of(request, {"username": m.user.get_username()}))
    events.record_for_user(m.user, request.user, events.UNLOCKED, company=request.company)  # type: ignore[attr-defined]
    messages.success(request, gettext("Failed logins of %(user)s cleared.") % {"user": m.user.get_username()})
    return redirect("security:members")
