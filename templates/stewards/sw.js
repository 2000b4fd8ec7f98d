/* 项目管家 service worker: keeps the steward's pages and their assets, so that they open on a site
 * without signal. It never handles a POST: records wait in the page's outbox (static/stewards/outbox.js). */
"use strict";
const CACHE = "investtrack-stewards-{{ version }}";
const HOME = "{% url 'stewards:home' %}";
const LOGIN = "{% url 'login' %}";
const ASSETS = {{ assets|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

// The page's logout form says so before it posts: nothing of this user stays on the phone.
self.addEventListener("message", (event) => {
  if (event.data === "logout") {
    event.waitUntil(caches.delete(CACHE));
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("investtrack-stewards-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate" && url.pathname.startsWith(HOME)) {
    // The network first, so the page is fresh whenever there is signal; the kept copy without it.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.redirected && new URL(response.url).pathname === LOGIN) {
          // Logged out, or the session ended: the pages kept for this phone's user are dropped.
          caches.delete(CACHE);
        } else if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      }).catch(() => caches.match(request).then((hit) => hit || caches.match(HOME)).then((hit) => hit || new Response(
        "<!doctype html><meta charset=utf-8><title>无网络</title><p>当前无网络，且本机没有保存该页面。请在有网络时打开一次“项目管家”页面。</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
      )))
    );
  }
});
