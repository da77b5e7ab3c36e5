"""A small OpenID Connect provider for the single sign-on tests: django-oauth-toolkit with OIDC
(RS256 key made at start, PKCE required), a login form, and users whose Django groups are their
``groups`` claim. ``serve`` runs it as a separate process on 127.0.0.1; ``tests/test_sso.py``
starts it. It shares nothing with the product but the machine."""
