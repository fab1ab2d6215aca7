"""Accepted answers as evidence of what a member knows: who answered which
tag's questions well. Read by "Qui s'y connaît ?", the routing of questions and
the mentoring suggestions."""

from collections import defaultdict

from sqlalchemy import func, select

from app.channels.models import PUBLIC_KINDS, Channel, Message
from app.extensions import db
from app.members.models import Skill
from app.questions.models import Question, question_tags


def accepted_answers(tag_keys: set[str]) -> dict[int, dict[str, int]]:
    """For the tags with these folded names: member id -> tag name -> how many
    of their answers were accepted on questions with that tag."""
    if not tag_keys:
        return {}
    rows = db.session.execute(
        select(Message.author_id, Skill.name, func.count(Question.id))
        .select_from(Question)
        .join(Message, Message.id == Question.accepted_message_id)
        .join(Channel, Channel.id == Message.channel_id)
        .join(question_tags, question_tags.c.question_id == Question.id)
        .join(Skill, Skill.id == question_tags.c.skill_id)
        .where(
            Skill.key.in_(tag_keys),
            Message.author_id.is_not(None),
            Message.deleted_at.is_(None),
            Channel.kind.in_(PUBLIC_KINDS),  # what private channels hold stays there
        )
        .group_by(Message.author_id, Skill.name)
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for author_id, tag, count in rows:
        if author_id is not None:  # always: the query leaves authorless ones out
            found[author_id][tag] = count
    return dict(found)


def weight(counts: dict[str, int]) -> float:
    """What accepted answers add to a member's score for a topic: a half per
    answer, at most 1.5."""
    return min(0.5 * sum(counts.values()), 1.5)
