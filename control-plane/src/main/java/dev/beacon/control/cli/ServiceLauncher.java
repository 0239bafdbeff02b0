package dev.beacon.control.cli;

import dev.beacon.control.ControlPlaneSettings;

/**
 * Runs the control-plane service for {@code beaconctl serve} until it is stopped. Found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.beacon.control.cli.ServiceLauncher}) unless one
 * was set with {@link BeaconCtl#useServiceLauncher}. Keeps the CLI free of the service's wiring.
 */
@FunctionalInterface
public interface ServiceLauncher {
    void run(ControlPlaneSettings settings) throws Exception;
}
