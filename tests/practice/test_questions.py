import csv
import re

import pytest

from widgets.practice.data import data_path
from widgets.practice.framework import PROBLEM_TYPES
from widgets.practice.questions import QuestionBankError, UnknownQuestionError, load_bank, parse_rows, read_bank

# Every question the source guide names (its four opening examples, then its list: 8 + 15 + 18 + 3 + 3),
# and the id the bank gives it.
GUIDE_QUESTIONS = {
    "Spotify recommendations": "spotify-recommendations",
    "Filtering offensive content on YouTube": "youtube-offensive-content",
    "Predicting Netflix user watch time": "netflix-watch-time",
    "Personalized LinkedIn job recommendations": "linkedin-job-recommendations",
    "Hotel booking chatbot": "hotel-booking-chatbot",
    "Podcast search engine": "podcast-search",
    "Personalized Uber": "uber-personalisation",
    "Customer support chatbot": "customer-support-chatbot",
    "Type-ahead search for Stack Overflow": "stackoverflow-typeahead",
    "Autocomplete for text messages": "text-message-autocomplete",
    "YouTube search": "youtube-search",
    "Visual search for Pinterest": "pinterest-visual-search",
    "Similar artists on Spotify": "spotify-similar-artists",
    "Restaurants on Google Maps": "google-maps-restaurants",
    "Similar products on Amazon": "amazon-similar-products",
    "Similar videos on YouTube": "youtube-similar-videos",
    "Type-ahead search for Netflix": "netflix-typeahead",
    "Spotify Discover Weekly": "spotify-discover-weekly",
    "Uber Shared Rides": "uber-shared-rides",
    "Trending topics on X": "x-trending-topics",
    "Google related searches": "google-related-searches",
    "People you may know": "people-you-may-know",
    "Similar homes on Airbnb": "airbnb-similar-homes",
    "Similar apartments on Zillow": "zillow-similar-homes",
    "Similar movies on Netflix": "netflix-similar-titles",
    "Product recommendation system": "product-recommendations",
    "Similar jobs on LinkedIn": "linkedin-similar-jobs",
    "Rank Quora answers": "quora-answer-ranking",
    "Filter offensive online comments": "offensive-comments-filter",
    "Filter restricted products from eBay": "ebay-restricted-products",
    "Sentiment analysis model": "sentiment-analysis",
    "Automatic recycling system": "recycling-sorter",
    "Shape-detection system": "shape-detection",
    "User engagement on Netflix": "netflix-engagement",
    "Trigger words in an audio clip": "trigger-word-detection",
    "Fake or duplicate schools on Facebook": "facebook-fake-schools",
    "Difficulty of language tests on Duolingo": "duolingo-test-difficulty",
    "Blurring for Google Street View": "street-view-blurring",
    "Wrong orders on DoorDash": "doordash-wrong-orders",
    "Social media posts by topic": "social-post-topics",
    "Optimal time for commercials on Hulu": "hulu-ad-timing",
    "Offensive content on TikTok": "tiktok-offensive-content",
    "Image classifier": "image-classifier",
    "Fraud detection for Stripe": "stripe-fraud-detection",
    "Language of a text input": "language-detection",
    "Dynamic pricing system": "dynamic-pricing",
    "User behaviour changes after product updates": "product-update-impact",
    "Birthdays for a large group": "birthday-estimation",
    "Framework for evaluating ad rankings": "ad-ranking-evaluation",
    "Personalized newsfeed": "personalised-newsfeed",
    "Product ranking system for Amazon": "amazon-product-ranking",
}


def test_bank_holds_every_question_of_the_guide():
    bank = load_bank()
    assert len(GUIDE_QUESTIONS) == 51
    assert {q.id for q in bank} == set(GUIDE_QUESTIONS.values())
    assert sorted(q.id for q in bank if q.origin == "example") == sorted(list(GUIDE_QUESTIONS.values())[:4])


def test_records_are_typed_and_complete():
    bank = load_bank()
    assert {q.problem_type for q in bank} == set(PROBLEM_TYPES)
    for q in bank:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", q.id)
        assert q.daily_active_users > 0 and q.items > 0 and q.actions_per_user_per_day > 0
        assert 2 <= len(re.findall(r"[.!?](\s|$)", q.brief)) <= 4, q.id
        assert q.tags and q.domain


def test_dataframe_view_matches_records():
    bank = load_bank()
    frame = bank.to_frame()
    assert list(frame.index) == [q.id for q in bank]
    assert frame.loc["uber-shared-rides", "problem_type"] == bank.get("uber-shared-rides").problem_type


def test_filters_combine():
    bank = load_bank()
    recs = bank.filter(problem_type="recommendation")
    assert recs and all(q.problem_type == "recommendation" for q in recs)
    domain = next(iter(recs)).domain
    both = bank.filter(problem_type="recommendation", domain=domain)
    assert both and all(q.domain == domain for q in both) and len(both) <= len(recs)
    tag = next(iter(bank)).tags[0]
    assert all(tag in q.tags for q in bank.filter(tag=tag))
    assert all("spotify" in f"{q.title} {q.company} {q.brief}".lower() for q in bank.filter(text="Spotify"))
    assert len(bank.filter(text="zzzz-no-such-thing")) == 0
    with pytest.raises(ValueError, match="Unknown problem type"):
        bank.filter(problem_type="clustering")


def test_random_draw_is_reproducible_with_a_seed_and_respects_filters():
    bank = load_bank()
    assert bank.draw(seed=3) == bank.draw(seed=3)
    assert len({bank.draw(seed=s).id for s in range(30)}) > 5
    ranking = bank.filter(problem_type="ranking")
    assert all(ranking.draw(seed=s).problem_type == "ranking" for s in range(10))
    with pytest.raises(ValueError, match="No question matches"):
        bank.filter(text="zzzz").draw()


def test_unknown_id_is_a_readable_error():
    with pytest.raises(UnknownQuestionError) as err:
        load_bank().get("design-a-toaster")
    assert str(err.value) == "No question has the id 'design-a-toaster'."


def _rows():
    with open(data_path("questions.csv"), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("line_index, field, value, message", [
    (0, "problem_type", "clustering", r"line 2: field 'problem_type' must be one of"),
    (4, "daily_active_users", "-5", r"line 6: field 'daily_active_users' must be positive"),
    (2, "items", "lots", r"line 4: field 'items' must be a number"),
    (3, "id", "Bad Id", r"line 5: field 'id' must be a lowercase slug"),
    (7, "brief", "  ", r"line 9: field 'brief' is empty"),
])
def test_malformed_row_names_line_and_field(line_index, field, value, message):
    rows = _rows()
    rows[line_index][field] = value
    with pytest.raises(QuestionBankError, match=message):
        parse_rows(rows)


def test_duplicate_id_names_both_lines():
    rows = _rows()
    rows[5]["id"] = rows[1]["id"]
    with pytest.raises(QuestionBankError, match=r"line 7: field 'id' repeats .* from line 3"):
        parse_rows(rows)


def test_wrong_header_and_short_row(tmp_path):
    bad = tmp_path / "questions.csv"
    bad.write_text("id,title\nx,y\n")
    with pytest.raises(QuestionBankError, match="line 1: the header must be"):
        read_bank(bad)
    text = data_path("questions.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[3] = "just-an-id,and a title"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(QuestionBankError, match="line 4: wrong number of fields"):
        read_bank(bad)
