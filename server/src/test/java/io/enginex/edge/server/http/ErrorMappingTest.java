package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.enginex.edge.server.ops.RepeatedLog;
import io.javalin.http.Context;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The error handlers never throw. A handler that throws is handed its own exception back by Javalin,
 * and the catch-all handler then loops forever: a live stream whose browser had left did exactly
 * that, two stack traces per turn until the disk filled.
 */
class ErrorMappingTest {

    @Test
    void aRequestThatHasAlreadyEndedGetsNoAnswerAndNoException() {
        AtomicInteger touched = new AtomicInteger();
        Context recycled = (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
                    touched.incrementAndGet();
                    throw new IllegalStateException("Response does not exist (likely recycled)");
                });

        assertThatCode(() -> ErrorMapping.fallback(new RepeatedLog(Clock.systemUTC(), Duration.ofMinutes(1)))
                        .handle(new IllegalStateException("Response does not exist (likely recycled)"), recycled))
                .doesNotThrowAnyException();
        assertThat(touched).as("the handler did try to answer").hasPositiveValue();
    }

    @Test
    void aHandlerThatFailsIsContained() {
        assertThatCode(() -> ErrorMapping.<Exception>neverThrows((e, ctx) -> {
                            throw new NullPointerException("request gone");
                        })
                        .handle(new RuntimeException("first"), null))
                .doesNotThrowAnyException();
    }
}
