from agencies.models import role_of


def role(request):
    """The signed-in user's role, so the navigation shows only what that role may use."""
    return {"user_role": role_of(request.user) if hasattr(request, "user") else None}
