"""Fuzzing the resident's chat endpoint and the staff pages: no 500, no crash, a kind answer."""
import json
import urllib.error
import urllib.parse
import urllib.request

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def post(url, body: bytes, content_type="application/json"):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


TEXTS = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "' OR 1=1; --", "😢" * 200, "ｱ" * 1000,
                     "あ" * 100_000, "\ud800", "/describe_concern{\"chosen_domain\":\"x\"}", "/restart", "/stop"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=TEXTS, municipality=st.one_of(st.none(), st.sampled_from(["eniwa", "nowhere", ""]), st.integers()))
def test_chat_endpoint_never_fails_on_any_text(live_web, message, municipality):
    body = json.dumps({"sender": "fuzz", "message": message, "municipality": municipality}).encode("utf-8", "surrogatepass")
    status, raw = post(live_web + "/api/chat", body)
    assert status in (200, 400), status
    answer = json.loads(raw)
    assert isinstance(answer, list)
    assert all(isinstance(m, dict) for m in answer)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000))
def test_chat_endpoint_refuses_broken_bodies_kindly(live_web, raw):
    status, answer = post(live_web + "/api/chat", raw)
    assert status in (200, 400, 413), status
    if status == 400:
        assert "ごめんなさい" in json.loads(answer)[0]["text"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/staff/login", "/staff/logout", "/staff"]),
       form=st.dictionaries(st.sampled_from(["name", "password", "csrf_token", "x"]), st.text(max_size=200), max_size=4))
def test_staff_forms_never_fail(live_web, path, form):
    body = urllib.parse.urlencode(form).encode()
    status, _ = post(live_web + path, body, "application/x-www-form-urlencoded")
    assert status in (302, 401, 403, 405), status


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=100)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=3)),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.binary(max_size=500),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"sender": JSON_VALUES, "message": JSON_VALUES, "metadata": JSON_VALUES})
      .map(lambda v: json.dumps(v).encode()),
))
def test_rasa_rest_webhook_answers_400_or_200_never_500(live_bot, body):
    status, _ = post(live_bot.webhook, body)
    assert status in (200, 400), status
