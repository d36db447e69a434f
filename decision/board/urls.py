from django.urls import path

from decision.board import views

urlpatterns = [
    path("board/", views.board_queue, name="board_queue"),
    path("board/agenda/add/", views.agenda_add, name="board_agenda_add"),
    path("board/cases/<uuid:assessment_id>/", views.case_detail, name="board_case"),
    path("board/cases/<uuid:assessment_id>/print/", views.case_print, name="board_case_print"),
    path("board/meetings/", views.meeting_list, name="board_meetings"),
    path("board/meetings/new/", views.meeting_create, name="board_meeting_create"),
    path("board/meetings/<uuid:meeting_id>/", views.meeting_detail, name="board_meeting"),
    path(
        "board/meetings/<uuid:meeting_id>/agenda/<int:item_id>/move/",
        views.agenda_item_move,
        name="board_agenda_move",
    ),
    path(
        "board/meetings/<uuid:meeting_id>/agenda/<int:item_id>/remove/",
        views.agenda_item_remove,
        name="board_agenda_remove",
    ),
    path(
        "board/meetings/<uuid:meeting_id>/attendance/",
        views.meeting_attendance,
        name="board_attendance",
    ),
    path(
        "board/meetings/<uuid:meeting_id>/guests/",
        views.meeting_guest_add,
        name="board_guest_add",
    ),
    path(
        "board/meetings/<uuid:meeting_id>/guests/<int:guest_id>/remove/",
        views.meeting_guest_remove,
        name="board_guest_remove",
    ),
    path("board/meetings/<uuid:meeting_id>/handout/", views.meeting_handout, name="board_handout"),
    path("board/export/", views.decisions_export, name="board_export"),
    path("board/concordance/", views.concordance, name="board_concordance"),
]
