package io.enginex.edge.agent.exec;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import com.sun.jna.win32.StdCallLibrary;
import io.enginex.edge.protocol.ErrorCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Windows: each command's process goes into a Job Object of its own, created with {@code
 * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE}; the processes it starts join the job. Ending the tree
 * terminates the job (Windows has no SIGTERM for a console-less child, so {@code grace} is not used).
 * The job's handle lives in the agent's process: when the agent is killed, Windows closes it and
 * ends the tree, so after a restart there is no orphan left to find.
 *
 * <p>Limitation: the child is put into its job just after it started (the JDK cannot start it
 * suspended), so a process it starts in that first instant is outside the job.
 *
 * <p>JNA and {@code kernel32} are loaded when this is made, on Windows only. Immutable and thread-safe.
 */
final class WindowsJobObjects implements ProcessGroups {
    static final int JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;
    static final int JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9;
    static final int PROCESS_SET_QUOTA = 0x0100;
    static final int PROCESS_TERMINATE = 0x0001;

    private static final Duration LAST_WAIT = Duration.ofSeconds(5);

    /** The few {@code kernel32} functions used. */
    interface Kernel32 extends StdCallLibrary {
        Pointer CreateJobObjectW(Pointer attributes, WString name);

        boolean SetInformationJobObject(Pointer job, int infoClass, Structure info, int length);

        Pointer OpenProcess(int access, boolean inherit, int pid);

        boolean AssignProcessToJobObject(Pointer job, Pointer process);

        boolean TerminateJobObject(Pointer job, int exitCode);

        boolean CloseHandle(Pointer handle);
    }

    /**
     * {@code JOBOBJECT_EXTENDED_LIMIT_INFORMATION} of 64-bit Windows (144 bytes), with {@code
     * JOBOBJECT_BASIC_LIMIT_INFORMATION} and {@code IO_COUNTERS} flattened into it.
     */
    @Structure.FieldOrder({
        "perProcessUserTimeLimit",
        "perJobUserTimeLimit",
        "limitFlags",
        "minimumWorkingSetSize",
        "maximumWorkingSetSize",
        "activeProcessLimit",
        "affinity",
        "priorityClass",
        "schedulingClass",
        "readOperationCount",
        "writeOperationCount",
        "otherOperationCount",
        "readTransferCount",
        "writeTransferCount",
        "otherTransferCount",
        "processMemoryLimit",
        "jobMemoryLimit",
        "peakProcessMemoryUsed",
        "peakJobMemoryUsed"
    })
    public static final class ExtendedLimits extends Structure {
        public long perProcessUserTimeLimit;
        public long perJobUserTimeLimit;
        public int limitFlags;
        public long minimumWorkingSetSize;
        public long maximumWorkingSetSize;
        public int activeProcessLimit;
        public long affinity;
        public int priorityClass;
        public int schedulingClass;
        public long readOperationCount;
        public long writeOperationCount;
        public long otherOperationCount;
        public long readTransferCount;
        public long writeTransferCount;
        public long otherTransferCount;
        public long processMemoryLimit;
        public long jobMemoryLimit;
        public long peakProcessMemoryUsed;
        public long peakJobMemoryUsed;

        /** Limits that end every process of the job when its last handle closes. */
        static ExtendedLimits killOnClose() {
            ExtendedLimits limits = new ExtendedLimits();
            limits.limitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            return limits;
        }

        /** Where {@code field} lies in the native structure (for the layout test). */
        int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    private final Kernel32 api;

    /** Loads {@code kernel32} (Windows only). */
    WindowsJobObjects() {
        this.api = Native.load("kernel32", Kernel32.class);
    }

    @Override
    public List<String> argv(List<String> command) {
        return command;
    }

    @Override
    public ProcessTree attach(Process process) {
        Pointer job = api.CreateJobObjectW(null, null);
        if (job == null) {
            throw failure("CreateJobObject");
        }
        ExtendedLimits limits = ExtendedLimits.killOnClose();
        limits.write();
        Pointer handle = null;
        try {
            if (!api.SetInformationJobObject(job, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS, limits, limits.size())) {
                throw failure("SetInformationJobObject");
            }
            handle = api.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, false, (int) process.pid());
            if (handle == null || !api.AssignProcessToJobObject(job, handle)) {
                throw failure("AssignProcessToJobObject");
            }
        } catch (CommandException e) {
            api.CloseHandle(job);
            process.destroyForcibly();
            throw e;
        } finally {
            if (handle != null) {
                api.CloseHandle(handle);
            }
        }
        return new Job(
                api, job, process.toHandle(), process.info().startInstant().orElseGet(Instant::now));
    }

    /** Nothing to find: Windows ended the job when the killed agent's handle closed. */
    @Override
    public int endOrphan(long id, Instant startedAt, Duration grace) {
        return 0;
    }

    private static CommandException failure(String call) {
        return new CommandException(
                ErrorCodes.TOOL_FAILED,
                call + " failed (Windows error " + Native.getLastError()
                        + "); the command was not run, because the agent could not have ended its process tree");
    }

    private static final class Job implements ProcessTree {
        private final Kernel32 api;
        private final Pointer job;
        private final ProcessHandle child;
        private final Instant startedAt;
        private final AtomicBoolean closed = new AtomicBoolean();

        Job(Kernel32 api, Pointer job, ProcessHandle child, Instant startedAt) {
            this.api = api;
            this.job = job;
            this.child = child;
            this.startedAt = startedAt;
        }

        @Override
        public long id() {
            return child.pid();
        }

        @Override
        public Instant startedAt() {
            return startedAt;
        }

        @Override
        public boolean contained() {
            return true;
        }

        @Override
        public boolean end(Duration grace) {
            if (!closed.get()) {
                api.TerminateJobObject(job, 1);
            }
            return Waits.until(() -> !child.isAlive(), LAST_WAIT, () -> {});
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                api.CloseHandle(job); // kill-on-close: ends anything of the tree still running
            }
        }
    }
}
