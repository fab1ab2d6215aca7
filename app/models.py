"""Every domain's models, imported in one place: the schema Alembic reads."""

from app.audit import AuditEntry
from app.auth.models import ApiToken, Invitation
from app.channels.models import (
    Channel,
    ChannelMember,
    Message,
    Reaction,
)
from app.defis.models import (
    Administration,
    Defi,
    DefiMembership,
    Promotion,
    Theme,
    defi_expertises,
    defi_themes,
)
from app.fragments import ContentVersion
from app.members.models import Member, Skill, member_promotions, member_skills
from app.mentoring.models import MentoringRequest, MentorProfile, mentor_topics
from app.notifications.models import EmailOptOut, Notification, NotificationPreference
from app.questions.models import Question, QuestionRoute, question_tags
from app.realtime import SocketSession
from app.resources.models import (
    Resource,
    ResourceBookmark,
    ResourceComment,
    ResourceTag,
    resource_tag_links,
)
from app.search.models import SearchOutbox
from app.slack.models import (
    ImportedChannel,
    ImportedMessage,
    ImportedReaction,
    ImportedSeat,
    SlackAuthor,
)

__all__ = [
    "Question",
    "QuestionRoute",
    "question_tags",
    "Administration",
    "ApiToken",
    "AuditEntry",
    "Channel",
    "ChannelMember",
    "ContentVersion",
    "Defi",
    "DefiMembership",
    "EmailOptOut",
    "ImportedChannel",
    "ImportedMessage",
    "ImportedReaction",
    "ImportedSeat",
    "Invitation",
    "Member",
    "MentorProfile",
    "MentoringRequest",
    "Message",
    "Notification",
    "NotificationPreference",
    "Promotion",
    "Reaction",
    "Resource",
    "ResourceBookmark",
    "ResourceComment",
    "ResourceTag",
    "SearchOutbox",
    "SlackAuthor",
    "Skill",
    "SocketSession",
    "Theme",
    "defi_expertises",
    "defi_themes",
    "member_promotions",
    "member_skills",
    "resource_tag_links",
    "mentor_topics",
]
