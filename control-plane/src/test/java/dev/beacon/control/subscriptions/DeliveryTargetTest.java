package dev.beacon.control.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.subscriptions.DeliveryTarget.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryTargetTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/graph?tenantId=contoso.com | EVENT_HUB | graph | contoso.com",
        "EventHub:https://beaconvault.vault.azure.net/secrets/hub-conn?tenantId=contoso.onmicrosoft.com | EVENT_HUB_KEY_VAULT | hub-conn | contoso.onmicrosoft.com",
        "EventGrid:?azuresubscriptionid=8a3b&resourcegroup=rg1&partnertopic=beacon-topic&location=westcentralus | EVENT_GRID | beacon-topic | 8a3b",
        "https://hooks.example.com/graph/notify | WEBHOOK | hooks.example.com | ",
    })
    void accepts(String url, Kind kind, String target, String tenant) {
        DeliveryTarget t = DeliveryTarget.parse(url);
        assertThat(t.kind()).isEqualTo(kind);
        assertThat(t.target()).isEqualTo(target);
        assertThat(t.tenant()).isEqualTo(tenant);
        assertThat(t.url()).isEqualTo(url);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "http://hooks.example.com/x | expected EventHub:https://",
        "EventHub:https://beacon-ns.servicebus.windows.net/eventhubname/graph | needs ?tenantId=",
        "EventHub:https://beacon-ns.servicebus.windows.net/graph?tenantId=contoso.com | /eventhubname/<hub>",
        "EventHub:https://beaconvault.vault.azure.net/keys/k?tenantId=contoso.com | /secrets/<secret>",
        "EventHub:https://example.com/eventhubname/graph?tenantId=contoso.com | the host must be",
        "EventHub:http://beacon-ns.servicebus.windows.net/eventhubname/graph?tenantId=c | continues with https://",
        "EventGrid:?azuresubscriptionid=8a3b&resourcegroup=rg1&location=westus | needs partnertopic",
        "EventGrid:azuresubscriptionid=8a3b | EventGrid:?azuresubscriptionid",
        "https://user:pw@hooks.example.com/x | without user info",
        "' ' | empty",
    })
    void rejectsWithAClearMessage(String url, String expected) {
        assertThatThrownBy(() -> DeliveryTarget.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }
}
