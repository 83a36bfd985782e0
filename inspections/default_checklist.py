"""The default checklist QD19-2015, shipped as data (DESIGN.md). Codes are stable."""

LEGAL_BASIS = (
    "Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về việc áp dụng "
    "Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001 vào hoạt động của "
    "các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước; Thông tư số 26/2014/TT-BKHCN; "
    "TCVN ISO 9001:2015."
)

CRITERIA = [
    ("CB01", "Đã công bố HTQLCL phù hợp TCVN ISO 9001:2015", "4.3",
     "Xem quyết định công bố của người đứng đầu và việc thông báo cho cơ quan chủ quản."),
    ("CB02", "Công bố lại khi điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng", "4.3",
     "Đối chiếu phạm vi áp dụng với danh mục thủ tục hành chính hiện hành; "
     "chọn Không áp dụng nếu phạm vi không thay đổi."),
    ("TC01", "Kiện toàn Ban chỉ đạo ISO, phân công trách nhiệm, quyền hạn", "5.3",
     "Quyết định thành lập hoặc kiện toàn Ban chỉ đạo ISO, phân công thư ký ISO."),
    ("CS01", "Ban hành và niêm yết công khai chính sách chất lượng tại trụ sở", "5.2",
     "Chính sách chất lượng đã ký ban hành và được niêm yết tại nơi tiếp nhận hồ sơ."),
    ("MT01", "Ban hành mục tiêu chất lượng hằng năm và kế hoạch thực hiện", "6.2",
     "Mục tiêu chất lượng của năm kiểm tra, có kế hoạch và đánh giá kết quả thực hiện."),
    ("RR01", "Xác định và xử lý rủi ro, cơ hội", "6.1",
     "Danh mục rủi ro, cơ hội và biện pháp xử lý đã được xác định."),
    ("QT01", "Quy trình giải quyết TTHC đầy đủ, cập nhật văn bản quy phạm pháp luật mới", "8.1",
     "Đối chiếu quy trình với thủ tục hành chính đang công bố và văn bản pháp luật mới."),
    ("HS01", "Hồ sơ được sắp xếp gọn gàng, khoa học, dễ nhận biết", "7.5",
     "Hồ sơ, tài liệu được phân loại, ghi nhãn, dễ tìm, có danh mục hồ sơ."),
    ("KS01", "Khảo sát, đo lường sự hài lòng của tổ chức, công dân", "9.1.2",
     "Phiếu khảo sát, báo cáo tổng hợp mức độ hài lòng trong năm."),
    ("DG01", "Thực hiện đánh giá nội bộ", "9.2",
     "Kế hoạch, báo cáo đánh giá nội bộ và hồ sơ khắc phục sau đánh giá."),
    ("XX01", "Họp xem xét của lãnh đạo", "9.3",
     "Biên bản họp xem xét của lãnh đạo trong năm."),
    ("KP01", "Khắc phục điểm chưa phù hợp, hành động khắc phục", "10.2",
     "Hồ sơ khắc phục các điểm chưa phù hợp từ các lần kiểm tra, đánh giá trước."),
]  # fmt: skip


# What the report's narrative says of an agency that met, and one that fell short of, each
# criterion, in the published reports' words ("55/60 đơn vị có ban hành mục tiêu ...").
STATEMENTS = {
    "CB01": ("đã công bố HTQLCL phù hợp TCVN ISO 9001:2015",
             "chưa công bố HTQLCL phù hợp TCVN ISO 9001:2015"),
    "CB02": ("thực hiện công bố lại khi điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng",
             "chưa thực hiện công bố lại khi có sự điều chỉnh phạm vi áp dụng HTQLCL"),
    "TC01": ("thực hiện kiện toàn ban chỉ đạo ISO, phân công trách nhiệm, quyền hạn",
             "chưa kiện toàn ban chỉ đạo ISO, chưa phân công rõ trách nhiệm, quyền hạn"),
    "CS01": ("niêm yết công khai chính sách chất lượng tại trụ sở cơ quan",
             "chưa niêm yết công khai chính sách chất lượng tại trụ sở cơ quan"),
    "MT01": ("có ban hành mục tiêu chất lượng hằng năm và kế hoạch thực hiện",
             "chưa ban hành mục tiêu chất lượng hằng năm và kế hoạch thực hiện"),
    "RR01": ("xác định và có biện pháp xử lý rủi ro, cơ hội",
             "chưa xác định, xử lý rủi ro, cơ hội"),
    "QT01": ("cập nhật quy trình giải quyết TTHC theo văn bản quy phạm pháp luật mới",
             "chưa cập nhật quy trình giải quyết TTHC theo văn bản quy phạm pháp luật mới"),
    "HS01": ("sắp xếp hồ sơ gọn gàng, khoa học, dễ nhận biết",
             "sắp xếp hồ sơ chưa gọn gàng, khoa học, khó nhận biết"),
    "KS01": ("thực hiện khảo sát, đo lường sự hài lòng của tổ chức, công dân",
             "chưa thực hiện khảo sát, đo lường sự hài lòng của tổ chức, công dân"),
    "DG01": ("thực hiện đánh giá nội bộ", "chưa thực hiện đánh giá nội bộ"),
    "XX01": ("họp xem xét lãnh đạo", "chưa tổ chức họp xem xét của lãnh đạo"),
    "KP01": ("thực hiện hành động khắc phục các điểm chưa phù hợp",
             "chưa thực hiện đầy đủ hành động khắc phục các điểm chưa phù hợp"),
}  # fmt: skip


def _has_statements(Criterion):
    """Migrations before the statements were added run this with a model that lacks them."""
    return any(field.name == "statement_met" for field in Criterion._meta.get_fields())


def _statements(Criterion, code):
    if not _has_statements(Criterion):
        return {}
    met, unmet = STATEMENTS[code]
    return {"statement_met": met, "statement_unmet": unmet}


def fill_statements(Criterion):
    """Give QD19-2015's criteria their statements where they have none (a data migration)."""
    for code, (met, unmet) in STATEMENTS.items():
        Criterion.objects.filter(
            checklist__code="QD19-2015", code=code, statement_met="", statement_unmet=""
        ).update(statement_met=met, statement_unmet=unmet)


def ensure_default_checklist(Checklist, Criterion):
    """Create QD19-2015 v1 if it is missing; the models may be historical ones."""
    checklist, created = Checklist.objects.get_or_create(
        code="QD19-2015",
        version=1,
        defaults={
            "title": "Phiếu kiểm tra việc áp dụng HTQLCL theo TCVN ISO 9001:2015",
            "legal_basis": LEGAL_BASIS,
        },
    )
    if created:
        Criterion.objects.bulk_create(
            Criterion(
                checklist=checklist,
                code=code,
                title=title,
                iso_clause=clause,
                guidance=guidance,
                order=order,
                **_statements(Criterion, code),
            )
            for order, (code, title, clause, guidance) in enumerate(CRITERIA, start=1)
        )
    return checklist
