/**
 * What the session part does in the user's desktop session, with the user's rights: list the installed
 * applications, start one the machine policy names, open a file or URL with the user's default handler,
 * show a notification. The service checks each call against the effective policy first; this package
 * checks it again against the machine policy, so a service account that is not trusted with the user's
 * rights cannot make a session part run anything an administrator did not allow. What differs between
 * Linux, macOS and Windows (the application catalog and the system helpers) is a {@link
 * io.enginex.edge.agent.desktop.DesktopPlatform}; the checks are the same on all three.
 */
package io.enginex.edge.agent.desktop;
