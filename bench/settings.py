"""Settings the bench app and the in-process query count share: limits raised, and the minimum
fill time that stops bots off (wrk posts the moment it has the form), so the bench measures the
work, not the spam defences."""

BENCH_SETTINGS = {
    "SUBMIT_LIMIT": "1000000 per hour",
    "SUBMIT_ATTEMPT_LIMIT": "1000000 per hour",
    "SUBMIT_ADDRESS_LIMIT": "1000000 per hour",
    "LOGIN_ADDRESS_LIMIT": "1000 per minute",
    "MIN_FORM_SECONDS": 0,
}
