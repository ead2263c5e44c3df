"""Texts the custom actions send (rule-driven answers live in domain.yml).

Kept here rather than as domain responses because only actions use them, and Rasa's
validator counts a response no story or rule names as unused."""

CLARIFY_CONCERN = "もう少し教えてください。どんなことに近いですか。当てはまるものを選ぶか、言葉で書いてください。"
ANYTHING_ELSE = "ほかにも困っていることはありますか。"
ASK_MUNICIPALITY = "お住まいの市区町村を教えてください（例：「恵庭市に住んでいます」）。その地域の窓口をご案内します。"
ASK_MUNICIPALITY_AFTER_CRISIS = "よろしければ、お住まいの市区町村も教えてください。地域の相談窓口もご案内します。"
MUNICIPALITY_UNKNOWN = "ごめんなさい。その地域の窓口の情報は、まだ窓口ナビにありません。お住まいの市区町村の役所・役場の福祉の窓口に電話してください。どこに相談すればよいか分からないときは、よりそいホットライン（0120-279-338、24時間・無料）でも話を聞いてもらえます。"
NOTED_MUNICIPALITY = "{municipality_name}ですね。困っていることを書いてください。"
CONTACT_HOURS_UNKNOWN = "受付時間は窓口ごとに違います。困りごとと、お住まいの市区町村を書いていただければ、その窓口の電話と受付時間をお知らせします。"
HUMAN_WITHOUT_MUNICIPALITY = "人と直接話したいときは、お住まいの市区町村の役所・役場の福祉の窓口に電話してください。市区町村を教えていただければ、電話番号をお知らせします。いますぐ誰かと話したいときは、よりそいホットライン（0120-279-338、24時間・無料）があります。"
