package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.e2e.support.Chrome;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import java.nio.file.Path;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Single sign-on in a real browser (headless Debian Chromium): the sign-in page's "Sign in with"
 * button, the provider's own sign-in page (NAV's mock-oauth2-server, a real OpenID provider made for
 * testing, run in this JVM on {@code localhost}), back to the hub (on 127.0.0.1, so another site),
 * signed in with the role the person's group maps to, then signed out of the hub and the provider.
 * Why a browser and not only OidcSignInIT's HTTP client: what decides this flow is the browser's
 * SameSite rules on the cross-site way back (the sign-in state's Lax cookie, the Strict session
 * carried by the page that moves on) and a real form at the provider; an HTTP client has no such
 * rules. One hub process and one sign-in: a few seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleSignOnE2EIT {
    @RegisterExtension
    static final Chrome chrome = new Chrome();

    private HubProcess hub;
    private MockOAuth2Server idp;

    @BeforeAll
    void start(@TempDir Path tmp) {
        idp = new MockOAuth2Server(new OAuth2Config(true)); // shows its sign-in page
        idp.start();
        hub = HubProcess.start(tmp.resolve("hub"), Jvm.freshLogs(getClass().getSimpleName()));
        HubApi api = hub.api();
        api.createTenant("acme");
        String issuer = idp.issuerUrl("acme").toString().replaceAll("/$", "");
        expect(
                201,
                api.put(
                        "/api/v1/tenants/acme/oidc",
                        Map.of(
                                "displayName", "Acme Login",
                                "issuer", issuer,
                                "clientId", "enginex",
                                "clientSecret", "browser-test-secret",
                                "roleMap", Map.of("it-ops", "operator", "staff", "viewer"))));
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
        if (idp != null) {
            idp.shutdown();
        }
    }

    private WebDriver browser() {
        return chrome.driver();
    }

    @Test
    void signInThroughTheProviderAndSignOutOfBoth() {
        browser().get(hub.url() + "/ui/login?tenant=acme");
        var button = chrome.visible(By.id("sso-signin"));
        assertThat(button.getText()).isEqualTo("Sign in with Acme Login");
        chrome.screenshotForDocs("dashboard-sso-signin");
        button.click();

        // the provider's own page: who signs in, and the claims their token will carry
        chrome.visible(By.name("username")).sendKeys("alice");
        browser()
                .findElement(By.name("claims"))
                .sendKeys("{\"email\": \"alice@acme.example\", \"groups\": [\"staff\", \"it-ops\"]}");
        browser().findElement(By.cssSelector("input[type=submit]")).click();

        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/fleet"));
        assertThat(chrome.visible(By.tagName("h1")).getText()).isEqualTo("Fleet");
        assertThat(browser().findElement(By.cssSelector("header .who")).getText())
                .contains("alice@acme.example")
                .contains("operator");

        browser()
                .findElement(By.cssSelector("header .who form button[type=submit]"))
                .click();
        // through the provider's end-session endpoint and back to the hub's sign-in page
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login?signedOut"));
        assertThat(chrome.visible(By.cssSelector(".flash")).getText()).isEqualTo("You are signed out.");
        // this browser is offered its tenant's single sign-on again without ?tenant=
        assertThat(browser().findElement(By.id("sso-signin")).getText()).isEqualTo("Sign in with Acme Login");

        browser().get(hub.url() + "/ui/fleet");
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));
    }
}
