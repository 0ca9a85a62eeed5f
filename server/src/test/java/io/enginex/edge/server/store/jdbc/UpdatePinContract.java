package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.UpdatePinRecord;
import org.junit.jupiter.api.Test;

interface UpdatePinContract extends StoreFixture {
    @Test
    default void aTenantsPinIsSetReplacedAndRemovedForThatTenantOnly() {
        String tenant = newTenant();
        String other = newTenant();
        UpdatePinRecord channel = new UpdatePinRecord(tenant, "beta", null, "usr_1", now());
        UpdatePinRecord version = new UpdatePinRecord(tenant, null, "1.4.0", "usr_2", now());

        stores().updatePins().put(channel);
        stores().updatePins().put(version);

        assertThat(stores().updatePins().find(tenant)).contains(version);
        assertThat(stores().updatePins().find(other)).isEmpty();
        assertThat(stores().updatePins().delete(other)).isEmpty();
        assertThat(stores().updatePins().delete(tenant)).contains(version);
        assertThat(stores().updatePins().find(tenant)).isEmpty();
    }

    @Test
    default void aPinNamesExactlyOneOfChannelAndVersion() {
        String tenant = newTenant();

        assertThatThrownBy(() -> stores().updatePins().put(new UpdatePinRecord(tenant, "beta", "1.4.0", "u", now())))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> stores().updatePins().put(new UpdatePinRecord(tenant, null, null, "u", now())))
                .isInstanceOf(RuntimeException.class);
        assertThat(stores().updatePins().find(tenant)).isEmpty();
    }
}
