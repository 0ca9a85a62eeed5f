/**
 * The status page for the person at the machine: served by the running agent on 127.0.0.1 only,
 * opened through a short-lived login link that {@code enginex-agent ui} asks for with the per-start
 * secret in {@code ui.json}. See docs/security/THREAT-MODEL.md, "Local status page".
 */
package io.enginex.edge.agent.ui;
