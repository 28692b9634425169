"""LTI 1.3 tool: OIDC login, launches, deep linking and grade passback, as thin glue over pylti1p3.

The library checks the messages; quizzes/services/lti.py decides what a launch means here.
"""
