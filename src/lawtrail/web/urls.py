from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import LoginForm
from .views import audit, cases, complaints, documents, work
from .views import media

urlpatterns = [
    path("", work.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html", authentication_form=LoginForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/steps/", cases.step_record, name="step_record"),
    path("cases/<int:case_id>/steps/form/", cases.step_form, name="step_form"),
    path("cases/<int:case_id>/steps/<int:record_id>/decide/", cases.step_decide, name="step_decide"),
    path("cases/<int:case_id>/documents/new/", documents.document_new, name="document_new"),
    path("cases/<int:case_id>/documents/<int:document_id>/", documents.document_detail, name="document"),
    path("cases/<int:case_id>/documents/<int:document_id>/sign/", documents.document_sign, name="document_sign"),
    path("cases/<int:case_id>/documents/<int:document_id>/refuse/", documents.document_refuse, name="document_refuse"),
    path("cases/<int:case_id>/documents/<int:document_id>/serve/", documents.document_serve, name="document_serve"),
    path("cases/<int:case_id>/documents/<int:document_id>/correct/", documents.document_correct,
         name="document_correct"),
    path("cases/<int:case_id>/documents/<int:document_id>/preview/", documents.document_preview,
         name="document_preview"),
    path("cases/<int:case_id>/documents/<int:document_id>/preview/docx/", documents.document_preview,
         {"fmt": "docx"}, name="document_preview_docx"),
    path("cases/<int:case_id>/documents/<int:document_id>/services/<int:service_id>/receipt/",
         documents.service_receipt, name="service_receipt"),
    path("cases/<int:case_id>/documents/<int:document_id>/<str:fmt>/", documents.document_file, name="document_file"),
    path("cases/<int:case_id>/media/", media.case_media, name="case_media"),
    path("cases/<int:case_id>/media/upload/", media.upload_page, name="media_upload"),
    path("cases/<int:case_id>/media/<int:record_id>/", media.record_detail, name="media_record"),
    path("cases/<int:case_id>/media/<int:record_id>/original/", media.original, name="media_original"),
    path("cases/<int:case_id>/media/<int:record_id>/thumbnail/", media.thumbnail, name="media_thumbnail"),
    path("media/uploads/", media.upload_start, name="media_upload_start"),
    path("media/uploads/<uuid:upload_id>/", media.upload_chunk, name="media_upload_chunk"),
    path("media/uploads/<uuid:upload_id>/complete/", media.upload_complete, name="media_upload_complete"),
    path("media/remote-work/new/", media.remote_work_new, name="remote_work_new"),
    path("complaints/", complaints.complaint_list, name="complaints"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/<int:complaint_id>/", complaints.complaint_detail, name="complaint"),
    path("audit/", audit.audit_trail, name="audit"),
    path("ping/", work.ping, name="ping"),
]
