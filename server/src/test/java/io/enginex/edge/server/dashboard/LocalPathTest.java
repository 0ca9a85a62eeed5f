package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sign-in page's {@code next}: open-redirect attempts land on the start page. */
class LocalPathTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/ui/fleet",
                "/ui/device?user_code=BCDF-GHJK",
                "/ui/fleet?state=online&label=a+b",
                "/ui/sessions?q=100%25",
                "/ui/fleet?q=caf%C3%A9",
                "/ui/oauth/authorize?client_id=ocl_1&redirect_uri=http%3A%2F%2F127.0.0.1%3A33419%2Fcallback",
                "/ui/x%3F%2F%2Fevil.example"
            })
    void dashboardPathsWithTheirQueryAreKept(String next) {
        assertThat(SignInPages.next(next)).isEqualTo(next);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example/ui/fleet",
                "http:/ui/fleet",
                "javascript:alert(1)",
                "//evil.example/ui/",
                "///evil.example",
                "/\\evil.example",
                "\\\\evil.example",
                "/ui/\\evil",
                "/ui//evil.example",
                "/ui//evil.example?x=1",
                "/ui/%2F%2Fevil.example?next=http://x",
                "/ui/%2F%2Fevil.example",
                "/ui/%2f%2fevil.example",
                "/ui/%5Cevil.example",
                "/ui/%252F%252Fevil.example",
                "/ui/%25252F%25252Fevil.example",
                "%2F%2Fevil.example",
                "/ui/%0d%0aLocation:%20https://evil",
                "/ui/fleet\r\nSet-Cookie: x=y",
                "/ui/\tfleet",
                "/ui/login?next=//evil.example",
                "/ui/login",
                "/ui/%zz",
                "/api/v1/tenants",
                "/uievil",
                "ui/fleet",
                "",
            })
    void everythingElseGoesToTheStartPage(String next) {
        assertThat(SignInPages.next(next)).isEqualTo(SignInPages.HOME);
    }
}
