package dev.coedit.security.boundary;

import dev.coedit.CoeditConfig;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.security.control.OriginPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Refuses a WebSocket handshake from a page of a foreign origin with 403, before the container upgrades it: Payara's
 * and WildFly's WebSocket filters run after the application's. The standalone server makes the same decision in
 * Grizzly ({@code OriginGuard}); both ask {@link OriginPolicy}.
 *
 * <p>Why not the endpoint configurator's {@code checkOrigin}, the WebSocket API's own hook: it is given the
 * {@code Origin} but not the {@code Host} that the server's own origin is made of, and when it says no, WildFly
 * answers 404 rather than 403.
 */
@WebFilter(urlPatterns = {"/docs/*", "/admin", "/lobby"}, asyncSupported = true)
public class OriginFilter extends HttpFilter {

    private static final Logger SECURITY = Logger.getLogger("dev.coedit.security");

    @Inject
    SessionRegistry registry;
    private OriginPolicy policy;

    @Override
    public void init() {
        CoeditConfig config = registry.config();
        policy = new OriginPolicy(config.allowedOrigins(), config.security().openMode());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        // The scheme is not compared: behind a proxy that ends TLS the container sees http for an https page.
        String refusal = policy.refusal(request.getHeader("Origin"), request.getHeader("Host"));
        if (refusal == null) {
            chain.doFilter(request, response);
            return;
        }
        SECURITY.info(() -> "refused handshake to " + request.getRequestURI() + " from " + request.getRemoteAddr()
                + ": " + refusal);
        // Not sendError: some containers put its message in the status line.
        byte[] body = refusal.getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setHeader("Connection", "close");
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
