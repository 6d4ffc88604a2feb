"""The command line calls the same services as the web and fails with clear messages."""

from sqlalchemy import func, select

from hoering.accounts.models import Agency, Organisation, User
from hoering.consultations.models import Consultation
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.submissions.models import Submission
from tests.factories import make_user


def test_demo_loads_once_and_its_journal_verifies(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "innbygger@demo.hoering.no" in first.output
    counts = (
        db.session.scalar(select(func.count(Submission.id))),
        db.session.scalar(select(func.count(JournalEntry.id))),
    )
    assert counts[0] >= 10 and counts[1] > counts[0]  # agency replies are journaled too
    again = runner.invoke(args=["demo"])
    assert "already loaded" in again.output
    assert (
        db.session.scalar(select(func.count(Submission.id))),
        db.session.scalar(select(func.count(JournalEntry.id))),
    ) == counts
    statuses = set(db.session.scalars(select(Consultation.status)))
    assert statuses == {"open", "closed"}
    verified = runner.invoke(args=["journal", "verify"])
    assert verified.exit_code == 0
    assert f"Journal OK: {counts[1]} entries" in verified.output


def test_agency_roles_and_representatives(runner):
    user = make_user(email="saksbehandler@etat.no")
    db.session.commit()
    bad = runner.invoke(
        args=["agencies", "create", "--slug", "etat", "--name", "Etaten", "--org-number", "123"]
    )
    assert bad.exit_code != 0 and "ikke gyldig" in bad.output
    ok = runner.invoke(
        args=[
            "agencies",
            "create",
            "--slug",
            "etat",
            "--name",
            "Etaten",
            "--org-number",
            "974 760 673",
        ]
    )
    assert ok.exit_code == 0, ok.output
    assert db.session.scalar(select(Agency)).org_number == "974760673"
    granted = runner.invoke(
        args=["users", "grant-role", "saksbehandler@etat.no", "case_officer", "--agency", "etat"]
    )
    assert granted.exit_code == 0, granted.output
    missing_agency = runner.invoke(args=["users", "grant-role", user.email, "moderator"])
    assert missing_agency.exit_code != 0 and "bestemt virksomhet" in missing_agency.output
    unknown = runner.invoke(args=["users", "grant-role", "nobody@x.no", "admin"])
    assert unknown.exit_code != 0 and "Fant ingen bruker" in unknown.output
    rep = runner.invoke(
        args=[
            "users",
            "add-representative",
            user.email,
            "--org-number",
            "921000006",
            "--org-name",
            "Foreningen",
        ]
    )
    assert rep.exit_code == 0, rep.output
    db.session.expire_all()
    user = db.session.scalar(select(User))
    assert user.has_role("case_officer", db.session.scalar(select(Agency.id)))
    assert [o.name for o in user.organisations] == ["Foreningen"]
    assert db.session.scalar(select(func.count(Organisation.id))) == 1


def test_create_admin(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "Admin@Etat.no", "--name", "Admin"],
        input="et langt nok passord\net langt nok passord\n",
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User))
    assert admin.email == "admin@etat.no" and admin.is_admin
    short = runner.invoke(
        args=["create-admin", "--email", "b@etat.no", "--name", "B"], input="kort\nkort\n"
    )
    assert short.exit_code != 0 and "minst 12 tegn" in short.output
