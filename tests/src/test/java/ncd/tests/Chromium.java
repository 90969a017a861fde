package ncd.tests;

import ncd.runtime.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the DevTools protocol, from Java alone (java.net.http's WebSocket): start it with a
 * fresh profile and {@code --remote-debugging-port=0}, read the port from {@code DevToolsActivePort}, attach to its
 * page, and send commands. Console messages, uncaught exceptions and failed loads are collected as {@link #problems}.
 */
final class Chromium implements AutoCloseable {
    /** The browser binary: {@code -Dncd.chromium=...}, else chromium, chromium-browser or google-chrome on the PATH. */
    static Path find() {
        String prop = System.getProperty("ncd.chromium");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String path = System.getenv("PATH");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : (path == null ? "/usr/bin" : path).split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<?, ?>>> pending = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Map<?, ?>> events = new LinkedBlockingQueue<>();
    /** Console errors, exceptions and failed loads since the last {@link #navigate}. */
    final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());

    Chromium(Path binary) throws IOException, InterruptedException {
        profile = Files.createTempDirectory("ncd-chromium-");
        List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
                if (!process.isAlive()) throw new IOException("chromium exited at start: " + Files.readString(profile.resolve("chromium.log")));
                if (System.nanoTime() > deadline) throw new IOException("chromium did not open its DevTools port in 60 s");
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String wsUrl = null;
            for (int attempt = 0; attempt < 100 && wsUrl == null; attempt++) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (Object o : (List<?>) Json.parse(list)) {
                    Map<?, ?> t = (Map<?, ?>) o;
                    if ("page".equals(t.get("type"))) wsUrl = (String) t.get("webSocketDebuggerUrl");
                }
                if (wsUrl == null) Thread.sleep(50);
            }
            if (wsUrl == null) throw new IOException("chromium has no page target");
            ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new Listener()).join();
            send("Runtime.enable", "{}");
            send("Log.enable", "{}");
            send("Page.enable", "{}");
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            stop();                                   // never leave a browser running when the start fails
            throw e;
        }
    }

    /** Sends a command and waits for its result ({@code params} is JSON text). */
    Map<?, ?> send(String method, String params) {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<?, ?>> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).join();
        Map<?, ?> reply;
        try {
            reply = f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method + ": no answer from chromium", e);
        }
        if (reply.get("error") != null) throw new IllegalStateException(method + ": " + reply.get("error"));
        return (Map<?, ?>) reply.get("result");
    }

    /** Opens {@code url} and waits for its load event; clears {@link #problems} first. */
    void navigate(String url) throws InterruptedException {
        problems.clear();
        events.clear();
        Map<?, ?> r = send("Page.navigate", "{\"url\":" + quote(url) + "}");
        if (r.get("errorText") != null) problems.add("navigation failed: " + r.get("errorText"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Map<?, ?> e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && "Page.loadEventFired".equals(e.get("method"))) return;
        }
        problems.add("no load event within 30 s");
    }

    /** Evaluates a JavaScript expression; returns its value (strings, numbers, booleans). */
    Object eval(String js) {
        Map<?, ?> r = send("Runtime.evaluate", "{\"expression\":" + quote(js) + ",\"returnByValue\":true,\"awaitPromise\":true}");
        if (r.get("exceptionDetails") != null) throw new IllegalStateException("JavaScript failed: " + r.get("exceptionDetails"));
        return ((Map<?, ?>) r.get("result")).get("value");
    }

    /** Sets the viewport (CSS pixels), as a phone ({@code mobile}) or a laptop. */
    void viewport(int width, int height, double scale, boolean mobile) {
        send("Emulation.setDeviceMetricsOverride", "{\"width\":" + width + ",\"height\":" + height + ",\"deviceScaleFactor\":"
                + scale + ",\"mobile\":" + mobile + "}");
    }

    /** A PNG of the viewport, or of the whole page. */
    byte[] screenshot(boolean fullPage) {
        Map<?, ?> r = send("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":" + fullPage + "}");
        return Base64.getDecoder().decode((String) r.get("data"));
    }

    @Override public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(t -> null).join();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        stop();
    }

    /** Ends the browser this object started (and its helper processes), and deletes its profile. */
    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle h : children) {
                h.destroy();
                h.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            for (ProcessHandle h : children) h.destroyForcibly();
        }
        // The browser's helpers may still be writing its profile as they exit: delete until it stays gone.
        for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
            try (var s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // something changed under the walk; go round again
            }
            if (Files.exists(profile)) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                String text = buf.toString();
                buf.setLength(0);
                handle((Map<?, ?>) Json.parse(text));
            }
            w.request(1);
            return null;
        }

        private void handle(Map<?, ?> m) {
            Object id = m.get("id");
            if (id != null) {
                CompletableFuture<Map<?, ?>> f = pending.remove(((Number) id).intValue());
                if (f != null) f.complete(m);
                return;
            }
            String method = String.valueOf(m.get("method"));
            Map<?, ?> p = (Map<?, ?>) m.get("params");
            switch (method) {
                case "Runtime.consoleAPICalled":
                    if ("error".equals(p.get("type")) || "assert".equals(p.get("type"))) problems.add("console." + p.get("type") + ": " + p.get("args"));
                    break;
                case "Runtime.exceptionThrown":
                    problems.add("uncaught exception: " + p.get("exceptionDetails"));
                    break;
                case "Log.entryAdded": {
                    Map<?, ?> e = (Map<?, ?>) p.get("entry");
                    if ("error".equals(e.get("level"))) problems.add("log error: " + e.get("text") + " " + (e.get("url") == null ? "" : e.get("url")));
                    break;
                }
                default:
                    break;
            }
            events.add(m);
        }
    }
}
