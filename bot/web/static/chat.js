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

  // A window block ("■ name…") becomes a referral card with a call button.
  function addCard(text, windowsByName) {
    const lines = text.split("\n");
    const title = lines[0].replace(/^■\s*/, "");
    const name = title.replace(/（[^（）]*）$/, "");
    const info = windowsByName.get(name);
    const card = document.createElement("article");
    card.className = "card" + (info && info.kind === "crisis_line" ? " crisis-line" : "");
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
    const body = document.createElement("p");
    withPhoneLinks(body, lines.slice(1).join("\n"));
    card.appendChild(body);
    addItem("from-bot").appendChild(card);
  }

  function addCrisisLines(windows) {
    for (const w of windows.filter((w) => w.kind === "crisis_line")) {
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

  // Returns true when it moved the focus to choice buttons (keyboard users land on them).
  function render(messages) {
    let choicesShown = false;
    const referral = messages.map((m) => m.custom).find((c) => c && c.type === "referral");
    const windows = referral ? referral.windows : [];
    const windowsByName = new Map(windows.map((w) => [w.name, w]));
    if (referral && referral.crisis) banner.hidden = false;
    for (const message of messages) {
      if (typeof message.text === "string" && message.text) {
        const isCrisisList = referral && referral.crisis && message.text.startsWith("・");
        if (isCrisisList) addCrisisLines(windows); // the same lines, as cards with call buttons
        else if (message.text.startsWith("■")) addCard(message.text, windowsByName);
        else addBotText(message.text);
      }
      if (Array.isArray(message.buttons) && message.buttons.length) choicesShown = addChoices(message.buttons);
    }
    log.lastElementChild?.scrollIntoView({ block: "end", behavior: "smooth" });
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
    send(text).then((choicesShown) => { if (!choicesShown) input.focus(); });
  });

  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter makes a new line; IME composition is left alone.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
