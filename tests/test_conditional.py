"""Public pages answer 304 Not Modified while unchanged, and never for a signed-in person."""

from hoering.extensions import db
from tests.conftest import login
from tests.factories import make_consultation, make_submission, make_user


def test_public_page_revalidates_until_something_changes(client):
    consultation = make_consultation()
    db.session.commit()
    url = f"/hoeringer/{consultation.slug}/"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""

    make_submission(consultation, general=True, body="Noe nytt.")
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Noe nytt." in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_signed_in_pages_are_never_cached_or_revalidated(client):
    consultation = make_consultation()
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.get(f"/hoeringer/{consultation.slug}/")
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
