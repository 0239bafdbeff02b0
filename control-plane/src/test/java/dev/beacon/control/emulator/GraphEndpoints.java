package dev.beacon.control.emulator;

/** Graph endpoints of the emulator (to be built: subscriptions). */
public final class GraphEndpoints {

    private final MicrosoftEmulator emulator;

    GraphEndpoints(MicrosoftEmulator emulator) {
        this.emulator = emulator;
    }
}
