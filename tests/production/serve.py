"""What gunicorn serves in the production tests: the app exactly as wsgi.py builds it, plus the
settings a test passes in HOERING_TEST_OVERRIDES (JSON), e.g. a rate limit of 3 per minute."""

import json
import os

from hoering import create_app

app = create_app(json.loads(os.environ.get("HOERING_TEST_OVERRIDES", "{}")))
