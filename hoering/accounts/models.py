"""People, organisations, agencies, roles and sign-in sessions."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.db import UTCDateTime, utcnow
from hoering.extensions import db

ROLE_CASE_OFFICER = "case_officer"
ROLE_MODERATOR = "moderator"
ROLE_ADMIN = "admin"
AGENCY_ROLES = (ROLE_CASE_OFFICER, ROLE_MODERATOR)
ROLES = (ROLE_CASE_OFFICER, ROLE_MODERATOR, ROLE_ADMIN)

ORG_KINDS = ("organisation", "public_agency", "business")


class Agency(db.Model):
    """A public body that publishes consultations and keeps their journal."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str] = mapped_column(String(9))
    theme_color: Mapped[str | None] = mapped_column(String(7))
    logo_url: Mapped[str | None] = mapped_column(String(500))
    privacy_contact: Mapped[str | None] = mapped_column(String(300))
    privacy_statement: Mapped[str | None] = mapped_column(Text)
    case_channel: Mapped[str | None] = mapped_column(String(500))
    # The agency's tilgjengelighetserklæring in uustatus (https://uustatus.no/...).
    accessibility_url: Mapped[str | None] = mapped_column(String(500))
    allow_hidden_names: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The archive, as the agency's records manager decides it (archive settings page):
    # skjermingshjemmel for a name a citizen chose to hide (None: Høring's default),
    name_screening_basis: Mapped[str | None] = mapped_column(String(200))
    # bevaring og kassasjon of its arkivdeler (M450, M453, M451),
    disposal_decision: Mapped[str] = mapped_column(
        String(20), default="Bevares", server_default="Bevares"
    )
    disposal_authority: Mapped[str | None] = mapped_column(String(200))
    retention_years: Mapped[int] = mapped_column(default=25, server_default="25")
    # and the klassifikasjonssystem (arkivnøkkel) with the class its consultations are filed in.
    classification_title: Mapped[str] = mapped_column(
        String(200), default="Arkivnøkkel", server_default="Arkivnøkkel"
    )
    class_id: Mapped[str] = mapped_column(String(40), default="HØRING", server_default="HØRING")
    class_title: Mapped[str] = mapped_column(
        String(200), default="Høringer", server_default="Høringer"
    )

    def __repr__(self) -> str:
        return f"<Agency {self.id} {self.slug}>"


class Organisation(db.Model):
    """An organisation, business or public body that people speak for."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="organisation")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its name and form were last taken from Enhetsregisteret; None if typed by hand.
    registry_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class RegistryEntity(db.Model):
    """One entity of Enhetsregisteret, as its bulk file last said."""

    __tablename__ = "registry_entities"

    org_number: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    form_code: Mapped[str | None] = mapped_column(String(10))
    form_name: Mapped[str | None] = mapped_column(String(200))
    is_bankrupt: Mapped[bool] = mapped_column(default=False)
    is_winding_up: Mapped[bool] = mapped_column(default=False)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<RegistryEntity {self.org_number}>"


REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_REFUSED = "refused"


class RepresentationRequest(db.Model):
    """A person asks to speak for an organisation; its representatives or an admin decide."""

    __tablename__ = "representation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=REQUEST_PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<RepresentationRequest {self.id} {self.status}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    wants_email: Mapped[bool] = mapped_column(default=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A keyed hash of the national identity number from ID-porten, never the number itself.
    pid_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )
    representations: Mapped[list[Representation]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def get_id(self) -> str | None:
        """flask-login keeps the server-side session token, never the user id."""
        return getattr(self, "session_token", None)

    def has_role(self, role: str, agency_id: int | None = None) -> bool:
        """Admins hold every role; agency roles hold only for their own agency."""
        for grant in self.roles:
            if grant.role == ROLE_ADMIN:
                return True
            if grant.role == role and (agency_id is None or grant.agency_id == agency_id):
                return True
        return False

    @property
    def is_admin(self) -> bool:
        return any(grant.role == ROLE_ADMIN for grant in self.roles)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    def agency_ids(self, role: str | None = None) -> set[int]:
        return {
            grant.agency_id
            for grant in self.roles
            if grant.agency_id is not None and (role is None or grant.role == role)
        }

    def works_for(self, agency_id: int) -> bool:
        return agency_id in self.agency_ids()

    @property
    def organisations(self) -> list[Organisation]:
        return [rep.organisation for rep in self.representations]


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    agency: Mapped[Agency | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role} {self.agency_id}>"


class Representation(db.Model):
    """A person who may speak for an organisation."""

    __tablename__ = "representations"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a request checked against Enhetsregisteret was approved.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="representations")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Representation {self.user_id}->{self.organisation_id}>"


class LoginSession(db.Model):
    """A server-side sign-in, so that sign-out and a password change really end it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After a sign-in with ID-porten: its ID token, encrypted (`oidc.seal`), for the sign-out's
    # id_token_hint; emptied when the sign-in ends.
    id_token_sealed: Mapped[str | None] = mapped_column(Text)
    # When this sign-in last proved a second factor (a TOTP or recovery code); None until then.
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} user={self.user_id}>"


class TotpCredential(db.Model):
    """A person's authenticator app (RFC 6238); confirmed once they have typed a code from it."""

    __tablename__ = "totp_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    # The last time step accepted, so a code works only once (ASVS 2.8.4).
    last_counter: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<TotpCredential user={self.user_id}>"


class RecoveryCode(db.Model):
    """A one-time code for when the phone is lost; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id}>"
