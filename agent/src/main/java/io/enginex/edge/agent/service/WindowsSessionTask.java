package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.List;

/**
 * Windows: the Task Scheduler task that starts the user session part ({@code enginex-agent session
 * --retry-refused}) at every user's logon, as that user with least privilege (group Users,
 * S-1-5-32-545), restarted when it fails, with no time limit. {@code service install} and the MSI
 * ({@code service configure}) register it with {@code schtasks /Create /XML}; uninstall deletes it.
 */
public final class WindowsSessionTask {
    /** The task's name in Task Scheduler's root folder. */
    public static final String NAME = "EngineX Agent Session";

    private WindowsSessionTask() {}

    /** Where its XML is written for schtasks, beside the config file. */
    public static Path xmlFile(Path base) {
        return base.resolve("session-task.xml");
    }

    /** Registers (or replaces) the task from {@code xml}. */
    public static List<String> create(Path xml) {
        return List.of("schtasks.exe", "/Create", "/TN", NAME, "/XML", xml.toString(), "/F");
    }

    /** Deletes the task. */
    public static List<String> delete() {
        return List.of("schtasks.exe", "/Delete", "/TN", NAME, "/F");
    }

    /**
     * The task's XML (Task Scheduler schema 1.2), declared UTF-16: {@link ServicePlan#bytes} writes it so.
     *
     * @param launcher the agent's command before its arguments: the packaged {@code enginex-agent.exe},
     *     or java and its options with the jar
     */
    public static String xml(List<String> launcher) {
        String command = launcher.get(0);
        List<String> words = new java.util.ArrayList<>(launcher.subList(1, launcher.size()));
        words.addAll(List.of("session", "--retry-refused"));
        String arguments =
                String.join(" ", words.stream().map(WindowsServices::quote).toList());
        return """
                <?xml version="1.0" encoding="UTF-16"?>
                <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
                  <RegistrationInfo>
                    <Author>EngineX</Author>
                    <Description>Starts the EngineX agent's part in each signed-in user's session (docs/INSTALL.md).</Description>
                    <URI>\\%s</URI>
                  </RegistrationInfo>
                  <Triggers>
                    <LogonTrigger>
                      <Enabled>true</Enabled>
                    </LogonTrigger>
                  </Triggers>
                  <Principals>
                    <Principal id="Users">
                      <GroupId>S-1-5-32-545</GroupId>
                      <RunLevel>LeastPrivilege</RunLevel>
                    </Principal>
                  </Principals>
                  <Settings>
                    <MultipleInstancesPolicy>Parallel</MultipleInstancesPolicy>
                    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
                    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
                    <StartWhenAvailable>true</StartWhenAvailable>
                    <Hidden>true</Hidden>
                    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
                    <RestartOnFailure>
                      <Interval>PT1M</Interval>
                      <Count>999</Count>
                    </RestartOnFailure>
                    <Enabled>true</Enabled>
                  </Settings>
                  <Actions Context="Users">
                    <Exec>
                      <Command>%s</Command>
                      <Arguments>%s</Arguments>
                    </Exec>
                  </Actions>
                </Task>
                """.formatted(NAME, escape(command), escape(arguments));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
