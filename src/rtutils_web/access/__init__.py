"""Who may do what: API tokens and roles, the check on every request, and signing in."""
