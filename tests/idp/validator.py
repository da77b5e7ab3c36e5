from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The user's Django groups are the ``groups`` claim (with the openid scope)."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "openid"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "email": user.email,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "preferred_username": user.username,
        }
