package io.enginex.edge.server.store;

import java.util.List;
import java.util.Optional;

public interface TenantStore {
    /** @throws DuplicateException if a tenant with this id exists */
    Tenant create(String id, String name);

    Optional<Tenant> find(String id);

    List<Tenant> list();

    /**
     * Sets the tenant's enrolment budget per source address and minute; null returns it to the hub's
     * default.
     *
     * @return false if there is no such tenant
     */
    boolean setEnrolmentRate(String id, Integer perMinute);
}
