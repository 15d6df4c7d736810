// Opens Toss Payments' own payment window (SDK v2) with what the server put on the button.
(function () {
  var button = document.getElementById("toss-pay");
  if (!button || typeof TossPayments === "undefined") { return; }
  button.addEventListener("click", function () {
    var d = button.dataset;
    var payment = TossPayments(d.clientKey).payment({ customerKey: TossPayments.ANONYMOUS });
    payment.requestPayment({
      method: "CARD",
      amount: { currency: "KRW", value: Number(d.amount) },
      orderId: d.orderId,
      orderName: d.orderName,
      successUrl: d.successUrl,
      failUrl: d.failUrl
    });
  });
}());
