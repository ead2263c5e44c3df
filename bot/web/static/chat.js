// 窓口ナビ web chat. No framework, no CDN: the page must load on any municipal site and
// phone, and work with a keyboard and a screen reader.
"use strict";

(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const typing = document.getElementById("typing");
  const banner = document.getElementById("crisis-banner");
  const select = document.getElementById("municipality");
  // The page's own sentences come from bot/texts (one home for every sentence a resident reads),
  // embedded by the server as JSON data, not script.
  const TEXT = JSON.parse(document.getElementById("page-texts").textContent);
  const PHONE = /(#?\d{2,5}-\d{1,4}-\d{3,5}|#\d{4}|\b1[01][09]\b)/g;

  // The conversation's id lives in an HttpOnly cookie the server issues: this page never
  // sees or chooses it, so no script (and no other visitor) can take over a conversation.

  const params = new URLSearchParams(location.search);

  fetch("/api/municipalities").then((r) => r.json()).then((rows) => {
    for (const row of rows) {
      const option = document.createElement("option");
      option.value = row.code;
      option.textContent = `${row.prefecture} ${row.name}`;
      select.appendChild(option);
    }
    const wanted = params.get("m");
    if (wanted && rows.some((row) => row.code === wanted)) select.value = wanted;
  }).catch(() => {});

  // An extension ("0194-22-2111 内線231") is said to the operator, not dialled.
  function telHref(number) {
    return "tel:" + number.replace(/\s*内線.*$/, "").replace(/-/g, "");
  }

  // Text → DOM with phone numbers as tel: links; textContent only, so no HTML ever runs.
  function withPhoneLinks(parent, text) {
    let last = 0;
    for (const match of text.matchAll(PHONE)) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      const link = document.createElement("a");
      link.href = telHref(match[0]);
      link.textContent = match[0];
      parent.appendChild(link);
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addItem(className) {
    const item = document.createElement("li");
    item.className = className;
    log.appendChild(item);
    return item;
  }

  function addUser(text) {
    const bubble = document.createElement("span");
    bubble.className = "bubble";
    bubble.textContent = text;
    addItem("from-user").appendChild(bubble);
  }

  function addBotText(text) {
    const bubble = document.createElement("span");
    bubble.className = "bubble";
    withPhoneLinks(bubble, text);
    addItem("from-bot").appendChild(bubble);
  }

  // `links`: numbers become tel: links (a card's own number has its call button instead, and
  // a source's line number such as "110行目" must never dial the police).
  function paragraph(className, text, links = false) {
    const p = document.createElement("p");
    p.className = className;
    if (links) withPhoneLinks(p, text);
    else p.textContent = text;
    return p;
  }

  // A window block ("■ name…") becomes a referral card: the referral payload's card with the
  // same heading gives its parts (why, call button, hours, what they do, what to say, details).
  function addCard(text, cardsByHeading, windowsByName) {
    const lines = text.split("\n");
    const title = lines[0].replace(/^■\s*/, "");
    const info = cardsByHeading.get(title);
    if (!info) return addPlainCard(title, lines.slice(1).join("\n"), windowsByName);
    const card = document.createElement("article");
    card.className = "card" + (info.kind === "crisis_line" ? " crisis-line" : "") + (info.why.length ? " why-card" : "");
    const heading = document.createElement("h3");
    heading.textContent = info.heading;
    card.appendChild(heading);
    for (const why of info.why) card.appendChild(paragraph("why", why));
    if (info.phone) {
      const call = document.createElement("a");
      call.className = "call";
      call.href = telHref(info.phone);
      call.textContent = `${info.call_label} ${info.phone}`;
      call.setAttribute("aria-label", `${info.name} ${info.call_label} ${info.phone}`);
      card.appendChild(call);
    } else {
      card.appendChild(paragraph("no-phone", info.phone_text));
    }
    if (info.hours_text) card.appendChild(paragraph("hours", info.hours_text));
    if (info.does) card.appendChild(paragraph("does", info.does));
    card.appendChild(paragraph("say", info.say));
    if (info.details.length) {
      // Place and source fold away; <summary> is reachable with Tab and opens with Enter.
      const details = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = info.details_label;
      details.appendChild(summary);
      for (const line of info.details) details.appendChild(paragraph("detail", line));
      card.appendChild(details);
    }
    addItem("from-bot").appendChild(card);
  }

  // A card the payload does not describe: its text as it is, with a call button when known.
  function addPlainCard(title, body, windowsByName) {
    const name = title.replace(/（[^（）]*）$/, "");
    const info = windowsByName.get(name);
    const card = document.createElement("article");
    card.className = "card plain" + (info && info.kind === "crisis_line" ? " crisis-line" : "");
    const heading = document.createElement("h3");
    heading.textContent = title;
    card.appendChild(heading);
    if (info && info.phone) {
      const call = document.createElement("a");
      call.className = "call";
      call.href = telHref(info.phone);
      call.textContent = `${TEXT.call} ${info.phone}`;
      call.setAttribute("aria-label", `${info.name} ${TEXT.call} ${info.phone}`);
      card.appendChild(call);
    }
    card.appendChild(paragraph("body", body, true));
    addItem("from-bot").appendChild(card);
  }

  // The one line on missing phones and hours, and the one line on where the facts come from.
  function addNote(text, className) {
    addItem("from-bot").appendChild(paragraph("note " + className, text, className === "notice"));
  }

  // The crisis lines the text lists ("・name number（hours）"), as cards with call buttons.
  function addCrisisLines(text, windows) {
    for (const w of windows.filter((w) => w.kind === "crisis_line" && text.includes(`${w.name} ${w.phone}`))) {
      const card = document.createElement("article");
      card.className = "card crisis-line";
      const heading = document.createElement("h3");
      heading.textContent = w.name;
      const call = document.createElement("a");
      call.className = "call";
      call.href = telHref(w.phone);
      call.textContent = `${TEXT.call} ${w.phone}`;
      const hours = document.createElement("p");
      hours.textContent = w.hours || "";
      card.append(heading, call, hours);
      addItem("from-bot").appendChild(card);
    }
  }

  function addChoices(buttons) {
    const group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.choose);
    for (const choice of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = choice.title;
      button.addEventListener("click", () => send(choice.payload, choice.title));
      group.appendChild(button);
    }
    addItem("from-bot").appendChild(group);
    group.querySelector("button")?.focus();
    return true;
  }

  // What is hidden behind the sticky bars at the top (helplines, crisis banner) and the bottom.
  function visibleArea() {
    let top = 0;
    for (const bar of [document.getElementById("helplines"), banner]) {
      if (bar && !bar.hidden && getComputedStyle(bar).position === "sticky") top = Math.max(top, bar.getBoundingClientRect().bottom);
    }
    return { top: top + 8, bottom: form.getBoundingClientRect().top - 8 };
  }

  // An answer that fits is shown whole; a longer one (a referral) from its start, so its
  // first card is on screen without scrolling back.
  function showAnswer(first) {
    const last = log.lastElementChild;
    if (!first || !last) return;
    const area = visibleArea();
    const start = first.getBoundingClientRect().top;
    const end = last.getBoundingClientRect().bottom;
    if (end - start > area.bottom - area.top) window.scrollBy(0, start - area.top);
    else if (end > area.bottom) window.scrollBy(0, end - area.bottom);
    else if (start < area.top) window.scrollBy(0, start - area.top);
  }

  // Returns true when it moved the focus to choice buttons (keyboard users land on them).
  function render(messages) {
    let choicesShown = false;
    const referrals = messages.map((m) => m.custom).filter((c) => c && c.type === "referral");
    const windows = referrals.flatMap((r) => r.windows || []);
    const windowsByName = new Map(windows.map((w) => [w.name, w]));
    const cardsByHeading = new Map(referrals.flatMap((r) => (r.cards || []).map((c) => [c.heading, c])));
    const notices = new Set(referrals.map((r) => r.notice).filter(Boolean));
    const sources = new Set(referrals.map((r) => r.data_source).filter(Boolean));
    const crisis = referrals.some((r) => r.crisis);
    if (crisis) banner.hidden = false;
    const before = log.lastElementChild;
    for (const message of messages) {
      if (typeof message.text === "string" && message.text) {
        const text = message.text;
        if (crisis && text.startsWith("・")) addCrisisLines(text, windows); // the same lines, as cards with call buttons
        else if (text.startsWith("■")) addCard(text, cardsByHeading, windowsByName);
        else if (notices.has(text)) addNote(text, "notice");
        else if (sources.has(text)) addNote(text, "source");
        else addBotText(text);
      }
      if (Array.isArray(message.buttons) && message.buttons.length) choicesShown = addChoices(message.buttons);
    }
    showAnswer(before ? before.nextElementSibling : log.firstElementChild);
    return choicesShown;
  }

  async function send(message, shown) {
    addUser(shown ?? message);
    typing.hidden = false;
    sendButton.disabled = true;
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ message, municipality: select.value || null }),
      });
      const messages = await response.json();
      return render(Array.isArray(messages) ? messages : []);
    } catch (error) {
      addBotText(TEXT.offline);
      // Give a typed message back so the resident does not have to write it again.
      if (shown === undefined && !input.value) input.value = message;
      return false;
    } finally {
      typing.hidden = true;
      sendButton.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) {
      addBotText(TEXT.empty_message);
      input.focus();
      return;
    }
    input.value = "";
    send(text).then((choicesShown) => { if (!choicesShown) input.focus({ preventScroll: true }); });
  });

  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter makes a new line; IME composition is left alone.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
