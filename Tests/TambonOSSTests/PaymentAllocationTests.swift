import TambonOSS
import TambonTestSupport
import Testing

/// Part payments at the counter settle the oldest arrears first (issue 14), as a seeded property.
@Suite struct PaymentAllocationTests {
    @Test func theOldestBillIsPaidFirstAndTheRestIsCredit() {
        let debts = [
            PaymentAllocation.Debt(reference: "B2", due: CivilDate(year: 2026, month: 11, day: 15)!, balance: 4_000 as Money),
            PaymentAllocation.Debt(reference: "B1", due: CivilDate(year: 2026, month: 10, day: 15)!, balance: 4_000 as Money),
        ]
        let part = PaymentAllocation(payment: Money(satang: 500_000), to: debts)
        #expect(part.shares.map(\.reference) == ["B1", "B2"] && part.shares.map(\.amount) == [4_000, 1_000] && part.credit == .zero)
        let over = PaymentAllocation(payment: Money(satang: 900_000), to: debts)
        #expect(over.credit == Money(satang: 100_000))
    }

    @Test func allocationsAddUpAndNoBalanceGoesBelowZero() {
        var generator = SeededGenerator(seed: 1414)
        for _ in 0..<2_000 {
            let debts = (0..<Int.random(in: 0...8, using: &generator)).map { index in
                PaymentAllocation.Debt(
                    reference: "R\(index)", due: CivilDate(year: 2026, month: Int.random(in: 1...12, using: &generator), day: 1)!,
                    balance: Money(satang: Int64.random(in: -100...50_000, using: &generator)))
            }
            let payment = Money(satang: Int64.random(in: 0...200_000, using: &generator))
            let allocation = PaymentAllocation(payment: payment, to: debts)
            #expect(allocation.shares.reduce(0) { $0 + $1.amount.satang } + allocation.credit.satang == payment.satang)
            for share in allocation.shares {
                let debt = debts.first { $0.reference == share.reference }!
                #expect(share.amount.satang > 0 && share.amount <= debt.balance, "never more than owed: the balance stays ≥ 0")
            }
            // A later bill gets something only once every earlier one is paid in full.
            for (index, share) in allocation.shares.enumerated().dropFirst() {
                let previous = allocation.shares[index - 1]
                let earlier = debts.first { $0.reference == previous.reference }!
                #expect(previous.amount == earlier.balance, "\(share.reference) paid before \(previous.reference) was")
                #expect(earlier.due <= debts.first { $0.reference == share.reference }!.due)
            }
            if allocation.credit.satang > 0 {
                #expect(allocation.shares.count == debts.filter { $0.balance.satang > 0 }.count, "credit only once everything is paid")
            }
        }
    }
}
